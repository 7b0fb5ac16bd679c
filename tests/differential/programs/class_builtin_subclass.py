# Exercises: subclassing built-in types (list, dict with __missing__, str, int via __new__, tuple) and __new__ overrides.
class History(list):
    def append(self, item):
        super().append((len(self), item))

    def latest(self):
        return self[-1][1] if self else None


h = History()
h.append("open")
h.append("edit")
print(h, h.latest(), len(h), isinstance(h, list), type(h[:1]).__name__, type(h + []).__name__)


class DefaultDict(dict):
    def __missing__(self, key):
        value = self[key] = key.upper()
        return value


d = DefaultDict(a="x")
print(d["a"], d["b"], d, d.get("c"), "c" in d)


class Shout(str):
    def __new__(cls, text):
        return super().__new__(cls, text.upper())

    def __add__(self, other):
        return Shout(str(self) + "!" + str(other))


s = Shout("hey")
print(s, repr(s), s + "you", type(s + "x").__name__, s.lower(), type(s.lower()).__name__, len(s))


class Even(int):
    def __new__(cls, value):
        if value % 2:
            raise ValueError(f"{value} is odd")
        return super().__new__(cls, value)

    def __repr__(self):
        return f"Even({int(self)})"


e = Even(10)
print(e, repr(e), e + 1, type(e + 1).__name__, e * 2, e == 10, {e: "key"}[10])
try:
    Even(3)
except ValueError as err:
    print("ValueError:", err)


class Pair(tuple):
    def __new__(cls, a, b):
        return super().__new__(cls, (a, b))

    @property
    def first(self):
        return self[0]


p = Pair(1, 2)
print(p, p.first, p + (3,), sorted([Pair(2, 1), Pair(1, 9)]))


class Singleton:
    _instance = None

    def __new__(cls, *args):
        if cls._instance is None:
            print("  creating the one instance")
            cls._instance = super().__new__(cls)
        return cls._instance

    def __init__(self, value):
        print("  __init__ with", value)
        self.value = value


a = Singleton(1)
b = Singleton(2)
print(a is b, a.value)


class NoInit:
    def __new__(cls):
        return 42


print(NoInit(), type(NoInit()).__name__)


class Stack(list):
    push = list.append

    def peek(self):
        return self[-1]


st = Stack([1])
st.push(2)
print(st, st.peek(), st.pop(), st)
print(bool.__mro__, issubclass(bool, int), True + 1, type(True & False).__name__, True & 2)
