# Exercises: __repr__ vs __str__, __format__ with custom specs, __bytes__, __int__/__float__/__index__.
class Money:
    def __init__(self, amount, currency="EUR"):
        self.amount = amount
        self.currency = currency

    def __repr__(self):
        return f"Money({self.amount!r}, {self.currency!r})"

    def __str__(self):
        return f"{self.amount:.2f} {self.currency}"

    def __format__(self, spec):
        if spec == "short":
            return f"{self.amount:g}{self.currency[0]}"
        if spec.endswith("c"):
            return format(self.amount, spec[:-1]) + " " + self.currency
        return str(self) if not spec else format(str(self), spec)

    def __int__(self):
        return int(self.amount)

    def __float__(self):
        return float(self.amount)

    def __bool__(self):
        return self.amount != 0


m = Money(12.5)
print(m)
print(repr(m), str(m), [m], (m,), {"k": m})
print(f"{m}|{m!r}|{m!s}|{m:short}|{m:>20}|{m:8.3fc}|")
print("{0} {0!r} {0:short}".format(m))
print("%s %r" % (m, m))
print(int(m), float(m), bool(Money(0)), format(m, "short"))


class OnlyRepr:
    def __repr__(self):
        return "<OnlyRepr>"


class OnlyStr:
    def __str__(self):
        return "OnlyStr!"


print(OnlyRepr(), str(OnlyRepr()), f"{OnlyRepr()}", OnlyStr(), [OnlyStr()] == [])


class Index:
    def __init__(self, n):
        self.n = n

    def __index__(self):
        return self.n


lst = list("abcdefg")
print(lst[Index(2)], lst[Index(1):Index(4)], bin(Index(5)), hex(Index(255)), range(Index(3)))
try:
    format(OnlyStr(), "x")
except TypeError as e:
    print("TypeError:", e)


class Blob:
    def __bytes__(self):
        return b"blob-bytes"


print(bytes(Blob()), str(b"x"), repr("it's"), repr(None), repr(...), repr(NotImplemented))
print(str(Exception("msg")), repr(ValueError("bad", 2)), repr(KeyError("k")), str(KeyError("k")))
