# Exercises: abc.ABC with abstractmethod/abstract property, instantiation errors, register() and collections.abc checks.
import abc
import collections.abc


class Shape(abc.ABC):
    @abc.abstractmethod
    def area(self):
        ...

    @property
    @abc.abstractmethod
    def name(self):
        ...

    def describe(self):
        return f"{self.name} with area {self.area():.2f}"


class Square(Shape):
    def __init__(self, side):
        self.side = side

    def area(self):
        return self.side ** 2

    @property
    def name(self):
        return "square"


class Incomplete(Shape):
    def area(self):
        return 0


print(Square(3).describe(), isinstance(Square(1), Shape))
for cls in (Shape, Incomplete):
    try:
        cls()
    except TypeError as e:
        print("TypeError:", e)
print(sorted(Shape.__abstractmethods__), sorted(Incomplete.__abstractmethods__), Square.__abstractmethods__)


class Duck:
    def quack(self):
        return "quack"


class Quacker(abc.ABC):
    pass


Quacker.register(Duck)
print(isinstance(Duck(), Quacker), issubclass(Duck, Quacker), Quacker in Duck.__mro__)


class Bag(collections.abc.MutableSet):
    def __init__(self, items=()):
        self._items = []
        for i in items:
            self.add(i)

    def __contains__(self, x):
        return x in self._items

    def __iter__(self):
        return iter(self._items)

    def __len__(self):
        return len(self._items)

    def add(self, x):
        if x not in self._items:
            self._items.append(x)

    def discard(self, x):
        if x in self._items:
            self._items.remove(x)

    def __repr__(self):
        return f"Bag({self._items})"


b = Bag([3, 1, 3, 2])
print(b, len(b), 2 in b, b | Bag([9]), b & Bag([1, 2, 7]), b - Bag([1]), b <= Bag([1, 2, 3, 4]))
b.remove(3)
print(b, b.isdisjoint([5]), isinstance(b, collections.abc.Set))
print(isinstance([], collections.abc.Sequence), isinstance({}, collections.abc.Mapping), isinstance(iter([]), collections.abc.Iterator))
print(isinstance((x for x in []), collections.abc.Generator), issubclass(str, collections.abc.Hashable), isinstance(len, collections.abc.Callable))


class Sized:
    def __len__(self):
        return 0


print(isinstance(Sized(), collections.abc.Sized), isinstance(Sized(), collections.abc.Iterable))
