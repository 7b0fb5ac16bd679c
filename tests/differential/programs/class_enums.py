# Exercises: enum.Enum, IntEnum, Flag, auto(), iteration, lookup by value/name and unique members.
import enum
from enum import Enum, Flag, IntEnum, auto


class Color(Enum):
    RED = 1
    GREEN = 2
    BLUE = 3
    CRIMSON = 1  # alias of RED

    def describe(self):
        return f"{self.name.lower()} is #{self.value}"


class Status(IntEnum):
    OK = 200
    NOT_FOUND = 404


class Perm(Flag):
    R = auto()
    W = auto()
    X = auto()


class Planet(Enum):
    MERCURY = (3.303e23, 2.4397e6)
    EARTH = (5.976e24, 6.37814e6)

    def __init__(self, mass, radius):
        self.mass = mass
        self.radius = radius


print(Color.RED, repr(Color.GREEN), Color(3), Color["BLUE"], Color.CRIMSON is Color.RED)
print(list(Color), len(Color), [m.name for m in Color], list(Color.__members__))
print(Color.RED.describe(), Color.RED.name, Color.RED.value, isinstance(Color.RED, Color))
print(Status.OK == 200, Status(404), Status.OK + 1, sorted([Status.NOT_FOUND, Status.OK]))
rw = Perm.R | Perm.W
print(rw, Perm.R in rw, Perm.X in rw, rw & Perm.W, Perm(7), ~Perm.R)
print(Planet.EARTH.mass, Planet.EARTH.value, Planet.MERCURY.radius)
try:
    Color(9)
except ValueError as e:
    print("ValueError:", e)
try:
    Color["PINK"]
except KeyError as e:
    print("KeyError:", e)
try:
    Color.RED = 5
except AttributeError as e:
    print("AttributeError:", e)
try:
    @enum.unique
    class Dup(Enum):
        A = 1
        B = 1
except ValueError as e:
    print("ValueError:", e)
print(f"{Color.RED}", f"{Status.OK}", str(Status.OK), format(Perm.R))
print({Color.RED: "r", Color.BLUE: "b"}[Color.CRIMSON], Status.OK < Status.NOT_FOUND)
try:
    Color.RED < Color.BLUE
except TypeError as e:
    print("TypeError:", e)
