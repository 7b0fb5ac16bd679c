# Exercises: json dumps/loads round trips, indent/sort_keys/separators, custom default= and object_hook.
import json

data = {
    "name": "gilsim",
    "version": [0, 1, 0],
    "stable": False,
    "license": None,
    "ratio": 0.75,
    "tags": ["python", "bytecode", "ünïcode"],
    "nested": {"b": 2, "a": {"deep": [1, {"x": "y"}]}},
}
text = json.dumps(data)
print(text)
print(json.dumps(data, indent=2, sort_keys=True))
print(json.dumps(data["tags"], ensure_ascii=False), json.dumps([1, 2], separators=(",", ":")))
back = json.loads(text)
print(back == data, type(back["version"]).__name__, back["nested"]["a"]["deep"][1]["x"])
print(json.loads("[1, 2.5, \"s\", true, false, null, {\"k\": []}]"))
print(json.dumps((1, 2)), json.dumps({1: "int key"}), json.dumps(float("inf")), json.dumps("quote\"\n"))


class Point:
    def __init__(self, x, y):
        self.x, self.y = x, y

    def __repr__(self):
        return f"Point({self.x}, {self.y})"


def encode(obj):
    if isinstance(obj, Point):
        return {"__point__": [obj.x, obj.y]}
    raise TypeError(f"cannot encode {type(obj).__name__}")


def decode(d):
    if "__point__" in d:
        return Point(*d["__point__"])
    return d


shapes = {"origin": Point(0, 0), "pts": [Point(1, 2), Point(3, 4)]}
encoded = json.dumps(shapes, default=encode)
print(encoded)
print(json.loads(encoded, object_hook=decode))
try:
    json.dumps({"s": {1, 2}})
except TypeError as e:
    print("TypeError:", e)
for bad in ['{"a": 1,}', "[1, 2", "nope", '{"a" 1}']:
    try:
        json.loads(bad)
    except json.JSONDecodeError as e:
        print("JSONDecodeError:", e.msg, "line", e.lineno, "col", e.colno)


class Encoder(json.JSONEncoder):
    def default(self, o):
        if isinstance(o, set):
            return sorted(o)
        return super().default(o)


print(json.dumps({"ids": {3, 1, 2}}, cls=Encoder))
