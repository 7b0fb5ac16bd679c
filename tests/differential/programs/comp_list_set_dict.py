# Exercises: list/set/dict comprehensions with conditions, nesting, transposition and scoping.
nums = [3, -1, 4, -1, 5, -9, 2, 6]
print([n * n for n in nums])
print([n for n in nums if n > 0])
print([n if n > 0 else 0 for n in nums])
print(sorted({n % 4 for n in nums}), sorted({abs(n) for n in nums}))
print({n: n ** 2 for n in range(6) if n % 2})
words = ["apple", "avocado", "banana", "blueberry", "cherry"]
by_letter = {w[0]: [x for x in words if x[0] == w[0]] for w in words}
print(by_letter)
print({v: k for k, v in {"a": 1, "b": 2, "c": 3}.items()})
matrix = [[1, 2, 3], [4, 5, 6], [7, 8, 9]]
print([[row[i] for row in matrix] for i in range(3)])
print([x for row in matrix for x in row if x % 2 == 0])
print([(i, j) for i in range(4) for j in range(i + 1, 4)])
print([[i * j for j in range(1, 5)] for i in range(1, 5)])
print(sum([x for x in range(1000) if x % 3 == 0 or x % 5 == 0]))
print(sorted({c for w in words for c in w if c in "aeiou"}))
print({w: len(w) for w in words if len(w) > 5})
x = "outer"
print([x for x in "abc"], x)
counts = {}
[counts.__setitem__(c, counts.get(c, 0) + 1) for c in "mississippi"]
print(counts)
print([(lambda y: y * 2)(v) for v in range(3)])
pythag = [(a, b, c) for c in range(1, 30) for b in range(1, c) for a in range(1, b) if a * a + b * b == c * c]
print(pythag)
print([[y for y in range(x)] for x in range(5)])
print(dict.fromkeys("abc", 0), [k for k in {"z": 1, "y": 2}])
table = [f"{n:>3}{'*' * n}" for n in range(1, 6)]
print("\n".join(table))
print([w.upper() for w in words if (n := len(w)) > 6], n)
