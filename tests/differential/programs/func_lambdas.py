# Exercises: lambdas as values, in sort keys, immediately invoked, with defaults and in dicts.
square = lambda x: x * x
add = lambda a, b=10: a + b
print(square(7), add(1), add(1, 2), square.__name__)
ops = {
    "+": lambda a, b: a + b,
    "-": lambda a, b: a - b,
    "*": lambda a, b: a * b,
    "/": lambda a, b: a / b if b else float("inf"),
}
for sym in sorted(ops):
    print(8, sym, 2, "=", ops[sym](8, 2))
print(ops["/"](1, 0))

pairs = [(3, "c"), (1, "z"), (2, "a"), (1, "b")]
print(sorted(pairs, key=lambda p: p[1]))
print(sorted(pairs, key=lambda p: (-p[0], p[1])))
print(list(map(lambda p: p[0] * 2, pairs)))
print(list(filter(lambda p: p[0] > 1, pairs)))
print((lambda *a, **k: (a, k))(1, 2, x=3))
print((lambda: "immediately invoked")())
compose = lambda f, g: lambda x: f(g(x))
inc = lambda x: x + 1
print(compose(square, inc)(3), compose(inc, square)(3))
adders = [lambda x, n=n: x + n for n in range(4)]
print([a(100) for a in adders])
late = [lambda x: x + n for n in range(4)]
print([a(100) for a in late])
curry = lambda a: lambda b: lambda c: a * 100 + b * 10 + c
print(curry(1)(2)(3))
print((lambda x, /, y, *, z: x + y + z)(1, 2, z=3))
