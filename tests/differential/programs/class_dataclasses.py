# Exercises: dataclasses (defaults, field(), ordering, frozen, __post_init__, asdict, replace).
from dataclasses import FrozenInstanceError, asdict, astuple, dataclass, field, fields, replace


@dataclass
class Item:
    name: str
    price: float
    quantity: int = 1
    tags: list = field(default_factory=list)

    @property
    def total(self):
        return self.price * self.quantity


@dataclass(order=True)
class Version:
    major: int
    minor: int = 0
    patch: int = 0
    label: str = field(default="", compare=False, repr=False)


@dataclass(frozen=True)
class Coord:
    lat: float
    lon: float


@dataclass
class Rect:
    w: int
    h: int
    area: int = field(init=False)

    def __post_init__(self):
        self.area = self.w * self.h


item = Item("pen", 1.5, 4)
print(item, item.total)
print(Item("cup", 2.0) == Item("cup", 2.0), Item("a", 1) == Item("b", 1))
item.tags.append("office")
print(asdict(item), astuple(item))
print([f.name for f in fields(Item)])
versions = [Version(1, 2), Version(1, 0, 5), Version(0, 9), Version(1, 2, 0, "rc")]
print(sorted(versions), max(versions), Version(1, 2) == Version(1, 2, 0, "x"))
c = Coord(1.5, 2.5)
print(c, hash(c) == hash(Coord(1.5, 2.5)))
try:
    c.lat = 0
except FrozenInstanceError as e:
    print("FrozenInstanceError:", e)
print(replace(c, lon=9.0), Rect(3, 4))
try:
    Item()
except TypeError as e:
    print("TypeError:", e)
try:
    @dataclass
    class Broken:
        a: int = 1
        b: int
except TypeError as e:
    print("TypeError:", e)
print(Version.__eq__ is not object.__eq__, Item.__hash__)
