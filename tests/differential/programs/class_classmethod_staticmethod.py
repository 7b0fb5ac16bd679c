# Exercises: classmethod alternate constructors, staticmethod helpers and their behaviour on subclasses.
class Date:
    def __init__(self, year, month, day):
        self.year, self.month, self.day = year, month, day

    @classmethod
    def from_string(cls, text):
        y, m, d = map(int, text.split("-"))
        return cls(y, m, d)

    @classmethod
    def kind(cls):
        return cls.__name__

    @staticmethod
    def is_leap(year):
        return year % 4 == 0 and (year % 100 != 0 or year % 400 == 0)

    def __repr__(self):
        return f"{type(self).__name__}({self.year}, {self.month}, {self.day})"


class FancyDate(Date):
    pass


d = Date.from_string("2024-02-29")
f = FancyDate.from_string("1999-12-31")
print(d, f, Date.kind(), FancyDate.kind(), f.kind())
print([y for y in range(1896, 1910) if Date.is_leap(y)], d.is_leap(2000), Date.is_leap(1900))
print(type(Date.__dict__["from_string"]).__name__, type(Date.__dict__["is_leap"]).__name__)
print(type(Date.from_string).__name__, Date.from_string.__self__ is Date, type(Date.is_leap).__name__)


class Counter:
    instances = 0

    def __init__(self):
        type(self).bump()

    @classmethod
    def bump(cls):
        cls.instances += 1


class SubCounter(Counter):
    instances = 0


Counter()
Counter()
SubCounter()
print(Counter.instances, SubCounter.instances)
sm = staticmethod(lambda x: x * 3)
print(sm.__func__(4), callable(sm))


class Registry:
    _items = []

    @classmethod
    def add(cls, item):
        cls._items.append(item)
        return cls

    @classmethod
    def items(cls):
        return tuple(cls._items)


Registry.add(1).add(2).add(3)
print(Registry.items())
