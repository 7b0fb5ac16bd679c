# Exercises: int/float/complex arithmetic edge cases, math, decimal, fractions and statistics modules.
import decimal
import fractions
import math
import statistics

print(2 ** 64, -2 ** 2, (-2) ** 2, 2 ** -1, 10 ** 30 // 7, 10 ** 30 % 7, pow(3, 200, 1000), pow(2, -1, 7))
print((255).bit_length(), (10).to_bytes(2, "big"), int.from_bytes(b"\x01\x00", "little"), (-5) >> 1, ~5, 6 & 3, 6 | 3, 6 ^ 3)
print(7 / 2, -7 / 2, 7 // -2, -7 % 2, 7.5 // 2, 7.5 % 2, divmod(-7.5, 2), round(-2.5), round(3.14159, 3), round(1234, -2))
print(0.1 + 0.2 == 0.3, math.isclose(0.1 + 0.2, 0.3), 1e308 * 10, -1e308 * 10, float("nan") == float("nan"))
print(repr(1 / 3), repr(2 / 3), 1e22, 1e-7, 123456789.0 * 10 ** 8, 5e-324, 1.7976931348623157e308)
print(float.hex(0.5), (0.1).as_integer_ratio(), (2.5).is_integer(), int(2.9), int(-2.9), int("  -17 "), float(" 1e3 "))
print(math.sqrt(2), math.pi, math.e, math.tau, math.floor(-2.5), math.ceil(-2.5), math.trunc(-2.5))
print(math.factorial(20), math.comb(10, 3), math.perm(5, 2), math.gcd(84, 36), math.lcm(4, 6), math.isqrt(99))
print(math.log(100, 10), math.log2(1024), math.log10(0.001), math.exp(1) == math.e, math.hypot(3, 4), math.dist((0, 0), (1, 1)))
print(math.sin(math.pi / 2), round(math.cos(math.pi), 12), math.degrees(math.pi), math.radians(180), math.atan2(1, 1))
print(math.inf > 10 ** 100, math.isnan(math.nan), math.fsum([0.1] * 10), sum([0.1] * 10), math.prod(range(1, 6)))
for bad in [lambda: math.sqrt(-1), lambda: math.log(0), lambda: int("abc"), lambda: 1 / 0.0, lambda: 2.0 ** 10000]:
    try:
        bad()
    except (ValueError, ZeroDivisionError, OverflowError) as e:
        print(type(e).__name__, "->", e)
c = complex(3, 4)
print(c, abs(c), c.real, c.imag, c * 1j, c.conjugate(), (1 + 2j) ** 2, complex("1-2j"))
D = decimal.Decimal
print(D("0.1") + D("0.2"), D("1.10") * 3, D(1) / D(7), D("2.675").quantize(D("0.01")), D("2.675").quantize(D("0.01"), rounding=decimal.ROUND_HALF_UP))
with decimal.localcontext() as ctx:
    ctx.prec = 5
    print(D(1) / D(7), D("123.456789") + 0)
F = fractions.Fraction
print(F(1, 3) + F(1, 6), F(3, 4) * 2, F(0.75), F("22/7") - 3, F(1, 3) < F(1, 2), F(5, 10).limit_denominator(3))
data = [2, 4, 4, 4, 5, 5, 7, 9]
print(statistics.mean(data), statistics.median(data), statistics.mode(data), statistics.pstdev(data), statistics.median([1, 2, 3, 4]))
print(statistics.variance(data), round(statistics.stdev(data), 6), statistics.multimode("aabbc"), statistics.fmean([1, 2]))
print(int(True), True * 3, 3 == 3.0, hash(3) == hash(3.0), 10 ** 18 + 0.0, int(1e18), float(2 ** 53 + 1))
