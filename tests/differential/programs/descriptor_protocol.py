# Exercises: data vs non-data descriptors, __get__/__set__/__delete__, precedence over instance dict.
class Typed:
    def __init__(self, kind):
        self.kind = kind

    def __set_name__(self, owner, name):
        self.name = name

    def __get__(self, obj, objtype=None):
        if obj is None:
            return f"<Typed {self.name}: {self.kind.__name__}>"
        return obj.__dict__.get(self.name, f"unset {self.name}")

    def __set__(self, obj, value):
        if not isinstance(value, self.kind):
            raise TypeError(f"{self.name} must be {self.kind.__name__}, got {type(value).__name__}")
        obj.__dict__[self.name] = value

    def __delete__(self, obj):
        print(f"  deleting {self.name}")
        obj.__dict__.pop(self.name, None)


class NonData:
    def __get__(self, obj, objtype=None):
        return "from non-data descriptor"


class Person:
    name = Typed(str)
    age = Typed(int)
    info = NonData()

    def __init__(self, name, age):
        self.name = name
        self.age = age


p = Person("Ann", 30)
print(p.name, p.age, Person.name, Person.age)
try:
    p.age = "old"
except TypeError as e:
    print("TypeError:", e)
del p.age
print(p.age)
p.__dict__["name"] = "bypassed dict"
print("descriptor reads instance dict:", p.name)
print(p.info)
p.__dict__["info"] = "instance dict wins"
print(p.info)


class Lazy:
    def __init__(self, func):
        self.func = func
        self.name = func.__name__

    def __get__(self, obj, objtype=None):
        if obj is None:
            return self
        value = self.func(obj)
        obj.__dict__[self.name] = value  # cache: shadows the non-data descriptor next time
        return value


class Report:
    def __init__(self, n):
        self.n = n

    @Lazy
    def total(self):
        print("  computing total")
        return sum(range(self.n))


r = Report(10)
print(r.total, r.total, type(Report.__dict__["total"]).__name__)


class Method:
    def __init__(self, f):
        self.f = f

    def __get__(self, obj, objtype=None):
        if obj is None:
            return self
        return lambda *a: self.f(obj, *a)


class Calc:
    base = 10

    @Method
    def add(self, x):
        return self.base + x


print(Calc().add(5), type(Calc.add).__name__)
print(type(Person.__dict__["__init__"]).__name__, Person.__init__.__get__(p, Person).__self__ is p)
