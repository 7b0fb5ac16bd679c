# Exercises: sorted/list.sort with key functions, reverse, stability, multi-key sorts, cmp_to_key, min/max key.
import functools
import operator

people = [
    ("alice", 31, "berlin"),
    ("Bob", 25, "austin"),
    ("carol", 31, "austin"),
    ("dave", 19, "berlin"),
    ("Eve", 25, "cairo"),
]
print(sorted(people))
print(sorted(people, key=lambda p: p[1]))
print(sorted(people, key=lambda p: (p[2], -p[1])))
print(sorted(people, key=lambda p: p[0].lower(), reverse=True))
print(sorted(people, key=operator.itemgetter(2, 0)))


def by_name_length(person):
    return len(person[0])


print([p[0] for p in sorted(people, key=by_name_length)])
by_age = sorted(people, key=operator.itemgetter(1))
by_city_then_age = sorted(by_age, key=operator.itemgetter(2))
print("stable:", [p[0] for p in by_city_then_age])


def compare(a, b):
    if a[1] != b[1]:
        return b[1] - a[1]
    return (a[0] > b[0]) - (a[0] < b[0])


print([p[0] for p in sorted(people, key=functools.cmp_to_key(compare))])
print(min(people, key=lambda p: p[1]), max(people, key=lambda p: (p[1], p[0])))
print(max([], default="empty"), min([3, 1, 2]), max("abc", "abd", key=lambda s: s[-1]))
words = "banana Apple cherry apple Banana date".split()
print(sorted(words), sorted(words, key=str.casefold), sorted(words, key=lambda w: (len(w), w)))
words.sort(key=len, reverse=True)
print(words)


class Task:
    def __init__(self, name, prio):
        self.name = name
        self.prio = prio

    def __repr__(self):
        return f"Task({self.name}, {self.prio})"


tasks = [Task("write", 2), Task("test", 1), Task("ship", 3), Task("plan", 1)]
print(sorted(tasks, key=operator.attrgetter("prio", "name")))
print(sorted(tasks, key=lambda t: t.prio, reverse=True))
try:
    sorted(tasks)
except TypeError as e:
    print("TypeError:", e)
nums = [5, -3, 2, -8, 0, 7]
print(sorted(nums, key=abs), sorted(nums, key=lambda n: (n < 0, n)), list(reversed(sorted(nums))))
calls = []


def traced_key(n):
    calls.append(n)
    return -n


print(sorted([3, 1, 2], key=traced_key), "key called for", calls)
print(sorted("hello world"), sorted({"b": 1, "a": 2}), sorted({3: "x", 1: "y"}.items()))
print(sorted([[2, "b"], [1, "z"], [2, "a"]]), sorted([(1, None), (0, None)]))
