# Exercises: f-strings with format specs, conversions (!r/!s/!a), nesting, = debugging and expressions.
import datetime
import decimal

name = "Ada"
pi = 3.14159265
n = 1234567
items = ["x", "y"]
print(f"{name}|{name!r}|{name!s}|{name!a}|{'Zoë'!a}")
print(f"{pi:.2f}|{pi:10.3f}|{pi:<10.1f}|{pi:^10.2f}|{pi:+.1e}|{pi:.3g}|{pi:%}")
print(f"{n:,}|{n:_}|{n:>12,}|{n:012d}|{n:x}|{n:#x}|{n:#o}|{n:b}|{n:e}")
print(f"{-42:5d}|{42:<5d}|{42:^7}|{42:*^9}|{-42:=8}|{42:+}|{42: }")
print(f"{'left':<8}|{'right':>8}|{'mid':^9}|{'trunc':.3}|{'pad':_>6}")
width, prec = 12, 4
print(f"{pi:{width}.{prec}f}|{name:>{width}}|{pi:{'>' if width > 5 else '<'}{width}}")
print(f"{name=}, {pi=:.2f}, {n * 2=}, {items=!s}, {len(items) = }")
print(f"{items[0]}{items[-1]} {dict(a=1)['a']} {(lambda: 'lam')()} {'yes' if n else 'no'}")
print(f"{{literal braces}} {{{name}}}")
print(f"{3.0}|{1e20}|{1e-5}|{0.1 + 0.2}|{2/3:.10f}|{1/3!r}")
print(f"{True}|{None}|{True:d}|{False:>6}|{12.5:g}|{1e16:g}|{float('nan'):f}|{float('-inf'):>6}")
d = datetime.date(2024, 3, 9)
print(f"{d}|{d:%Y/%m/%d}|{d:%a %d %b}|{d!r}")
print(f"{decimal.Decimal('1.10'):.3f}|{decimal.Decimal('2.5') * 2}")
print(f"{'nested ' + f'{name.lower()}'}|{f'{pi:.{prec - 2}f}'}")
rows = [("apple", 1.5, 10), ("kiwi", 0.25, 200), ("watermelon", 3, 1)]
for fruit, price, qty in rows:
    print(f"{fruit:<12}{price:>8.2f}{qty:>6}{price * qty:>10.2f}")
print(f"{'total':<12}{sum(p * q for _, p, q in rows):>24.2f}")
multi = (
    f"a={1}, "
    f"b={2}"
)
print(multi, f"{chr(39)}{chr(34)}", f"{'single'}", f"""{"triple"}""")
print(f"{0.5:.0f} {1.5:.0f} {2.5:.0f} {-0.0:.1f} {123.456:.1%} {1234.5:,.2f}")
print(f"{complex(1, -2)}|{3+4j:.1f}|{[1, 2]!r:>10}|{(1,)}")
