# Exercises: class decorators that add methods/attributes, and decorators returning new classes.
def add_repr(cls):
    fields = cls.__annotations__

    def __repr__(self):
        inner = ", ".join(f"{k}={getattr(self, k)!r}" for k in fields)
        return f"{cls.__name__}({inner})"

    cls.__repr__ = __repr__
    return cls


def auto_init(cls):
    fields = list(cls.__annotations__)

    def __init__(self, *args):
        if len(args) != len(fields):
            raise TypeError(f"expected {len(fields)} args, got {len(args)}")
        for name, value in zip(fields, args):
            setattr(self, name, value)

    cls.__init__ = __init__
    return cls


def singleton(cls):
    instances = {}

    def get(*args):
        if cls not in instances:
            instances[cls] = cls(*args)
        return instances[cls]

    return get


@add_repr
@auto_init
class Point:
    x: int
    y: int


@singleton
class Config:
    def __init__(self, name):
        self.name = name


p = Point(1, 2)
print(p, Point("a", [3]))
try:
    Point(1)
except TypeError as e:
    print("TypeError:", e)
c1 = Config("first")
c2 = Config("second")
print(c1 is c2, c1.name, type(Config).__name__)


def with_counter(cls):
    original_init = cls.__init__

    def __init__(self, *a, **k):
        original_init(self, *a, **k)
        cls.created += 1

    cls.created = 0
    cls.__init__ = __init__
    return cls


@with_counter
class Widget:
    def __init__(self, label):
        self.label = label


widgets = [Widget(str(i)) for i in range(4)]
print(Widget.created, [w.label for w in widgets], Widget.__name__, Widget.__qualname__)
