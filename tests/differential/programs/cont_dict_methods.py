# Exercises: dict methods, insertion order, views, get/setdefault/pop/popitem/update, merging with | and |=.
stock = {"apple": 3, "pear": 0, "kiwi": 12}
stock["banana"] = 7
print(stock, len(stock), list(stock))
print(stock.get("apple"), stock.get("grape"), stock.get("grape", -1), "kiwi" in stock, 3 in stock)
print(stock.setdefault("pear", 100), stock.setdefault("plum", 1), stock)
print(stock.pop("pear"), stock.pop("nothing", "default"))
try:
    stock.pop("nothing")
except KeyError as e:
    print("KeyError:", e)
print(stock.popitem(), stock)
stock.update({"apple": 4, "fig": 2}, melon=1)
stock.update([("date", 9)])
print(stock)
keys = stock.keys()
values = stock.values()
items = stock.items()
stock["lime"] = 5
print(keys, values, items, sep="\n")
print(sorted(keys), sum(values), ("fig", 2) in items, keys & {"fig", "zzz"}, keys - {"apple"} == {"kiwi", "banana", "melon", "fig", "date", "lime"})
del stock["lime"]
print(list(reversed(stock)), dict(sorted(stock.items(), key=lambda kv: kv[1])))
merged = {"a": 1, "b": 2} | {"b": 3, "c": 4}
merged |= {"d": 5}
print(merged, dict.fromkeys(["x", "y"], []), dict(a=1, b=2), dict([("k", "v")]), dict(zip("ab", [1, 2])))
try:
    for k in stock:
        stock[k + "!"] = 0
except RuntimeError as e:
    print("RuntimeError:", e)
counts = {}
for word in "the cat and the hat and the bat".split():
    counts[word] = counts.get(word, 0) + 1
print(counts, max(counts, key=counts.get))
inverted = {}
for word, n in counts.items():
    inverted.setdefault(n, []).append(word)
print(inverted)
nested = {"a": {"b": {"c": 1}}}
print(nested["a"]["b"]["c"], nested.get("x", {}).get("y"))
d = {1: "int", 1.0: "float overwrote", True: "bool overwrote"}
print(d, {(1, 2): "tuple key"}[(1, 2)])
try:
    {[1]: 2}
except TypeError as e:
    print("TypeError:", e)
copy = merged.copy()
copy.clear()
print(merged == {"a": 1, "b": 3, "c": 4, "d": 5}, copy, {"a": 1} == {"a": 1.0})
print({k: v for k, v in merged.items() if v % 2}, list(merged.items())[1])
try:
    merged["zzz"]
except KeyError as e:
    print("KeyError:", e, repr(e))
