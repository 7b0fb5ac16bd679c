# Exercises: pprint of nested data (width, depth, sort_dicts, compact), reprlib limits and aligned text tables.
import pprint
import reprlib

data = {
    "users": [
        {"name": "alice", "roles": ["admin", "dev"], "active": True, "score": 9.5},
        {"name": "bob", "roles": [], "active": False, "score": None},
    ],
    "settings": {"theme": "dark", "langs": ("en", "de", "fr"), "limits": {"cpu": 4, "mem": "8G"}},
    "matrix": [[i * j for j in range(6)] for i in range(4)],
}
pprint.pprint(data)
pprint.pprint(data, width=50, depth=2)
pprint.pprint(data["settings"], sort_dicts=False, compact=True, width=40)
print(pprint.pformat(list(range(30)), width=40))
print(pprint.pformat("a long string " * 8, width=40))
print(pprint.isreadable(data), pprint.isrecursive([1]))
cyclic = [1, 2]
cyclic.append(cyclic)
print(cyclic, pprint.isrecursive(cyclic), pprint.saferepr(cyclic).startswith("[1, 2, <Recursion on list"))
print(reprlib.repr(list(range(100))), reprlib.repr("x" * 100), reprlib.repr({i: i for i in range(10)}))
rows = [("Name", "Qty", "Price"), ("Widget", 3, 4.5), ("Gadget long name", 12, 19.99), ("Nut", 1000, 0.05)]
widths = [max(len(str(r[i])) for r in rows) for i in range(3)]
for r in rows:
    print(" | ".join(str(v).ljust(w) if i == 0 else str(v).rjust(w) for i, (v, w) in enumerate(zip(r, widths))))
