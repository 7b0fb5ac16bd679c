# Exercises: collections.Counter and defaultdict (most_common, arithmetic, nested defaultdicts, factories).
from collections import Counter, defaultdict

text = "the quick brown fox jumps over the lazy dog the end"
words = Counter(text.split())
print(words.most_common(3), words["the"], words["missing"], len(words))
letters = Counter(c for c in text if c.isalpha())
print(letters.most_common(5))
print(sorted(letters.elements())[:10], letters.total())
a = Counter(a=3, b=1, c=2)
b = Counter(a=1, b=5, d=1)
print(a + b, a - b, a & b, a | b)
a.update("aab")
a.subtract({"c": 5})
print(a, +a, -a)
print(Counter("hello") == Counter("olleh"), dict(Counter("abca")), repr(Counter()))
inventory = Counter()
for item in ["apple", "pear", "apple", "fig", "apple", "pear"]:
    inventory[item] += 1
print(inventory, list(inventory), sorted(inventory.items(), key=lambda kv: (-kv[1], kv[0])))
del inventory["fig"]
print(inventory, "fig" in inventory)

groups = defaultdict(list)
for w in text.split():
    groups[len(w)].append(w)
print(dict(sorted(groups.items())))
print(groups[99], 99 in groups, groups.default_factory)
counts = defaultdict(int)
for ch in "abracadabra":
    counts[ch] += 1
print(counts)
tree = lambda: defaultdict(tree)
root = tree()
root["a"]["b"]["c"] = 1
root["a"]["x"] = 2


def to_dict(d):
    return {k: to_dict(v) if isinstance(d[k], defaultdict) else v for k, v in d.items()}


print(to_dict(root))
calls = []


def factory():
    calls.append("called")
    return len(calls)


lazy = defaultdict(factory)
print(lazy["p"], lazy["q"], lazy["p"], lazy.get("r"), calls)
plain = defaultdict()
try:
    plain["nope"]
except KeyError as e:
    print("KeyError:", e)
sets = defaultdict(set)
sets["x"].add(1)
sets["x"].add(1)
print(sets, type(sets).__name__, isinstance(sets, dict))
