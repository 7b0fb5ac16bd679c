# Exercises: comprehensions that create closures over loop variables, class-body comprehensions, walrus.
funcs = [lambda: i for i in range(3)]
print("late binding:", [f() for f in funcs])
funcs = [lambda i=i: i for i in range(3)]
print("default arg binding:", [f() for f in funcs])


def make(n):
    return lambda: n


funcs = [make(i) for i in range(3)]
print("factory binding:", [f() for f in funcs])
gens = [(i * k for k in range(3)) for i in range(3)]
print("generators capture i late:", [list(g) for g in gens])


class Table:
    size = 4
    header = [f"col{i}" for i in range(4)]
    try:
        bad = [size * i for i in range(3)]
    except NameError as e:
        bad = str(e)
    ok = [s * 2 for s in [size]]


print(Table.header, Table.bad, Table.ok)
data = [5, 12, 7, 20, 3, 15]
print([y for x in data if (y := x * 2) > 20])
print("last y:", y)
total = 0
running = [total := total + x for x in data]
print(running, total)


def outer():
    prefix = ">"
    return [prefix + s for s in "ab"], {k: (lambda: prefix + k)() for k in "xy"}


print(outer())
adders = {n: (lambda x, n=n: x + n) for n in range(3)}
print({k: f(10) for k, f in adders.items()})
nested = [[lambda: (r, c) for c in range(2)] for r in range(2)]
print([[f() for f in row] for row in nested])
names = ["x", "y"]
print(eval("[n + m for n in names for m in names]"))
