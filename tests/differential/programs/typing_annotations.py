# Exercises: annotations and typing constructs at runtime (NamedTuple, TypedDict, Protocol, Generic, get_type_hints).
from typing import Callable, Generic, NamedTuple, Optional, Protocol, TypedDict, TypeVar, Union, get_type_hints, runtime_checkable

T = TypeVar("T")


class Employee(NamedTuple):
    name: str
    dept: str = "eng"
    salary: float = 0.0


class Movie(TypedDict, total=False):
    title: str
    year: int


@runtime_checkable
class Closer(Protocol):
    def close(self) -> None: ...


class Box(Generic[T]):
    def __init__(self, item: T) -> None:
        self.item = item

    def get(self) -> T:
        return self.item


def apply(f: Callable[[int], int], values: list[int], default: Optional[int] = None) -> list[int]:
    return [f(v) for v in values] or [default]


class File:
    def close(self):
        print("  closing file")


e = Employee("ann")
print(e, e._replace(salary=10.5), Employee._fields, Employee._field_defaults, e.dept)
m: Movie = {"title": "Up"}
print(m, type(m).__name__, Movie.__required_keys__, sorted(Movie.__optional_keys__))
print(isinstance(File(), Closer), isinstance(42, Closer))
b = Box[int](5)
print(b.get(), Box[str]("s").get(), Box.__parameters__)
print(apply(lambda x: x + 1, [1, 2]), apply(abs, [], default=-1))
print(apply.__annotations__)
print(get_type_hints(apply))
print(Union[int, str], Optional[int], list[int], dict[str, list[int]], Callable[[int], str])
x: int = 5
y: "forward ref"
print(__annotations__)


def untyped(a, b):
    return a


print(untyped.__annotations__, get_type_hints(Employee), Employee.__annotations__)


class Config:
    debug: bool = False
    name: str
    retries: int = 3


print(Config.__annotations__, hasattr(Config, "name"), Config.retries)
print(int | str, isinstance(3, int | str), (int | None).__args__)
