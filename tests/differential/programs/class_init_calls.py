# Exercises: calling classes: __init__ with defaults, keywords, *args, super().__init__, __new__, builtin bases, metaclass __call__, binding errors, __init__ returning a value or being a generator, the caller frame.
import sys


class Point:
    count = 0

    def __init__(self, x, y=0, *rest, scale=1, **extra):
        Point.count += 1
        self.x, self.y = x * scale, y * scale
        self.rest, self.extra = rest, extra


class Point3(Point):
    def __init__(self, x, y, z):
        super().__init__(x, y)
        self.z = z
        self.caller = sys._getframe(1).f_code.co_name


class WithNew:
    def __new__(cls, value):
        obj = super().__new__(cls)
        obj.made_by = "new"
        return obj

    def __init__(self, value):
        self.value = value


class Stack(list):
    def __init__(self, *items):
        super().__init__(items)
        self.top = items[-1] if items else None


class Meta(type):
    def __call__(cls, *args):
        obj = super().__call__(*args)
        obj.via = "meta"
        return obj


class Metered(metaclass=Meta):
    def __init__(self, n):
        self.n = n


class ReturnsValue:
    def __init__(self):
        return 42


class Generator:
    def __init__(self):
        yield 1


class Slotted:
    __slots__ = ("a", "b")

    def __init__(self, a):
        self.a = a


def build():
    return Point3(1, 2, 3)


p = Point(2, 3, 4, 5, scale=10, colour="red")
print(p.x, p.y, p.rest, p.extra, Point.count)
q = build()
print(q.x, q.y, q.z, q.caller, type(q).__name__, Point.count)
w = WithNew(7)
print(w.made_by, w.value)
s = Stack(1, 2, 3)
print(s, s.top, len(s))
m = Metered(5)
print(m.n, m.via)
print(Slotted(9).a)
for make in (lambda: Point(), lambda: Point(1, nope=2, scale=3, **{"scale": 4}),
             lambda: Point3(1, 2), ReturnsValue, Generator, lambda: Slotted(1, 2)):
    try:
        make()
    except TypeError as exc:
        print("TypeError:", exc)
objects = [Point(i) for i in range(5)]
print(sum(o.x for o in objects), Point.count)
