# Exercises: generator expressions consumed by list/sum/sorted/max/min/any/all/zip/dict/set/join/enumerate.
import itertools

words = ["kiwi", "banana", "apple", "fig", "cherry", "date"]
print(list(w.upper() for w in words))
print(sum(len(w) for w in words), sum((x * x for x in range(10)), 100))
print(sorted((w for w in words if "a" in w), key=len))
print(max(len(w) for w in words), min((w for w in words), key=lambda w: w[-1]))
print(any(w.startswith("c") for w in words), all(len(w) > 2 for w in words))
print(dict((w[0], w) for w in words), dict(zip(words, (len(w) for w in words))))
print(sorted(set(len(w) for w in words)), tuple(i for i in range(4)))
print("-".join(w[:2] for w in words), list(enumerate(w for w in words if len(w) == 4)))
print(list(zip(range(3), (c for c in "xyz"), itertools.count(100))))


def noisy(n):
    for i in range(n):
        print(f"  produce {i}")
        yield i


print("any short-circuits:", any(x > 1 for x in noisy(10)))
print("all short-circuits:", all(x < 1 for x in noisy(10)))
print("zip stops early:", list(zip(noisy(5), "ab")))
gen = (x * 10 for x in range(5))
print(3 * 10 in gen, list(gen))
print(list(map(lambda a, b: a + b, (i for i in range(3)), (j for j in range(10, 13)))))
print(list(filter(None, (x % 3 for x in range(7)))))
first, *rest = (c for c in "hello")
print(first, rest)
nested = ((i, j) for i in range(3) for j in range(i))
print(list(nested))
total = 0
for value in (n for n in range(1, 101) if n % 7 == 0):
    total += value
print("multiples of 7 total:", total)
print(sorted((x for x in [5, 3, 9, 1]), reverse=True), list(reversed([x for x in range(4)])))
print(next(w for w in words if w.endswith("y")), next((w for w in words if w == "zz"), None))
squares = {n: n * n for n in range(5)}
print(sum(squares.values()), max(squares, key=squares.get), sorted(squares.items(), key=lambda kv: -kv[1])[:2])
