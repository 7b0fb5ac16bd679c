# Exercises: match with mapping patterns, **rest, class patterns, __match_args__, dataclasses and value patterns.
from dataclasses import dataclass
from enum import Enum


class Color(Enum):
    RED = "red"
    GREEN = "green"


@dataclass
class Point:
    x: int
    y: int


class Circle:
    __match_args__ = ("center", "radius")

    def __init__(self, center, radius):
        self.center = center
        self.radius = radius


class Rect:
    def __init__(self, w, h):
        self.w = w
        self.h = h


def area(shape):
    match shape:
        case Circle(Point(x=0, y=0), r):
            return f"circle at origin, r={r}"
        case Circle(center=Point(x, y), radius=r) if r > 10:
            return f"big circle at ({x}, {y})"
        case Circle(c, r):
            return f"circle at {c}, area~{round(3.14159 * r * r, 2)}"
        case Rect(w=w, h=h) if w == h:
            return f"square {w}"
        case Rect(w=w, h=h):
            return f"rect {w}x{h}"
        case Point(x=0) | Point(y=0):
            return "point on an axis"
        case Point(x, y):
            return f"point {x},{y}"
        case int() | float():
            return "a number"
        case _:
            return "unknown"


shapes = [Circle(Point(0, 0), 2), Circle(Point(1, 2), 20), Circle(Point(3, 3), 1), Rect(3, 3),
          Rect(2, 5), Point(0, 5), Point(4, 0), Point(1, 1), 7, 2.5, "shape"]
for s in shapes:
    print(area(s))
try:
    match Rect(1, 2):
        case Rect(1, 2):
            print("no")
except TypeError as e:
    print("TypeError:", e)


def handle(event):
    match event:
        case {"type": "click", "pos": (x, y)}:
            return f"click at {x},{y}"
        case {"type": "key", "key": str(k), **rest}:
            return f"key {k} extra={sorted(rest)}"
        case {"type": "color", "value": Color.RED}:
            return "red color event"
        case {"type": "color", "value": Color() as c}:
            return f"other color {c.name}"
        case {"type": t}:
            return f"unhandled type {t}"
        case {}:
            return "empty-ish mapping"
        case _:
            return "not a mapping"


events = [{"type": "click", "pos": (3, 4)}, {"type": "key", "key": "q", "mod": "ctrl", "t": 1},
          {"type": "color", "value": Color.RED}, {"type": "color", "value": Color.GREEN},
          {"type": "scroll"}, {"other": 1}, [("type", "click")]]
for ev in events:
    print(handle(ev))
LIMIT = 3


class Const:
    LIMIT = 5


for value in [3, 5, 9]:
    match value:
        case Const.LIMIT:
            print(value, "equals Const.LIMIT")
        case other:
            print(value, "captured as", other)
