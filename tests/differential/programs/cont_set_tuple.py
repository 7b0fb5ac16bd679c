# Exercises: set algebra (union/intersection/difference/symmetric), frozenset, tuple methods and hashing.
a = {1, 2, 3, 4, 5}
b = {4, 5, 6, 7}
print(sorted(a | b), sorted(a & b), sorted(a - b), sorted(b - a), sorted(a ^ b))
print(sorted(a.union([10], (11,))), sorted(a.intersection(range(3))), a.isdisjoint({9}), {1, 2} <= a, {1, 2} < {1, 2})
print(a.issuperset({1}), {1, 2}.issubset(a), len(a), 3 in a, 30 in a)
s = set()
s.add(5)
s.add(5)
s.update([1, 2], {3})
s.discard(100)
s.remove(2)
print(sorted(s), s.pop() in {1, 3, 5}, len(s))
try:
    s.remove(100)
except KeyError as e:
    print("KeyError:", e)
c = set("mississippi")
print(sorted(c), len(c), set(), repr(set()), {0})
fs = frozenset([3, 1, 2])
print(sorted(fs), fs | {9} == frozenset({1, 2, 3, 9}), type(fs | {9}).__name__, type({9} | fs).__name__)
print({fs: "frozen key"}[frozenset([1, 2, 3])], hash(fs) == hash(frozenset({1, 2, 3})))
try:
    {{1}}
except TypeError as e:
    print("TypeError:", e)
a2 = set(a)
a2 -= {1}
a2 |= {100}
a2 &= {2, 3, 100}
a2 ^= {3, 50}
print(sorted(a2))
t = (3, 1, 4, 1, 5)
print(t.count(1), t.index(4), t + (9,), t * 2, len(t), max(t), sorted(t), t[::-1])
print((1,), (), tuple("ab"), (1, 2) < (1, 2, 0), (1, "a") == (1, "a"))
try:
    t[0] = 1
except TypeError as e:
    print("TypeError:", e)
mutable_inside = ([1], 2)
mutable_inside[0].append(3)
print(mutable_inside)
try:
    hash(mutable_inside)
except TypeError as e:
    print("TypeError:", e)
try:
    mutable_inside[0] += [4]
except TypeError as e:
    print("TypeError:", e, "| but list changed anyway:", mutable_inside)
print(hash((1, 2)) == hash((1, 2)), hash(1) == hash(1.0) == hash(True), {1, 1.0, True})
words = ["apple", "Bob", "cat", "apple", "Cat"]
print(sorted(set(words)), sorted({w.lower() for w in words}), len(frozenset(words)))
seen = set()
unique = [w for w in words if not (w in seen or seen.add(w))]
print(unique)
