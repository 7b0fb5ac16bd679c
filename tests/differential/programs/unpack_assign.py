# Exercises: tuple unpacking, starred targets, nested unpacking, swaps, chained and augmented assignment.
a, b = 1, 2
a, b = b, a
print(a, b)
x, y, z = "xyz"
print(x, y, z)
first, *middle, last = [1, 2, 3, 4, 5]
print(first, middle, last)
*init, tail = "abc"
print(init, tail)
head, *rest = [1]
print(head, rest)
(p, q), (r, s) = (1, 2), [3, 4]
print(p, q, r, s)
name, (lat, lon), *tags = ("home", (52.5, 13.4), "a", "b")
print(name, lat, lon, tags)
for i, (k, v) in enumerate({"one": 1, "two": 2}.items()):
    print(i, k, v)
for (a1, b1), c1 in [((1, 2), 3), ((4, 5), 6)]:
    print(a1 + b1 + c1, end=" ")
print()
m = n = o = []
m.append(1)
print(m, n, o, m is o)
i = 0
lst = [10, 20, 30]
i, lst[i] = 1, 99
print(i, lst)
counter = {"x": 0}
counter["x"] += 5
counter["x"] *= 3
counter["x"] //= 2
counter["x"] **= 2
counter["x"] -= 1
counter["x"] %= 100
print(counter)
bits = 0b1100
bits |= 0b0011
bits &= 0b1010
bits ^= 0b1111
bits <<= 2
bits >>= 1
print(bin(bits))
for bad in ["a, b = [1, 2, 3]", "a, b, c = (1, 2)", "a, *b, c = [1]", "a, b = 5"]:
    try:
        exec(bad)
    except (ValueError, TypeError) as e:
        print(f"{bad!r}: {type(e).__name__}: {e}")
data = [(1, "a"), (2, "b"), (3, "c")]
nums, letters = zip(*data)
print(nums, letters)
print([*"ab", *range(2)], {**{"k": 1}, "j": 2}, (*"xy",))
v = (w := 10) + 1
print(v, w)
[aa, bb], cc = "xy", "z"
print(aa, bb, cc)
d = {}
d["a"], d["b"] = "AB"
print(d)
