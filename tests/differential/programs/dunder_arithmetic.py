# Exercises: __add__/__radd__/__iadd__/__sub__/__mul__/__neg__/__abs__, NotImplemented and sum() of objects.
class Vector:
    def __init__(self, *coords):
        self.coords = tuple(coords)

    def __repr__(self):
        return f"Vector{self.coords}"

    def __add__(self, other):
        if isinstance(other, Vector):
            return Vector(*(a + b for a, b in zip(self.coords, other.coords)))
        if isinstance(other, (int, float)):
            return Vector(*(a + other for a in self.coords))
        return NotImplemented

    def __radd__(self, other):
        print(f"  __radd__ called with {other!r}")
        return self + other

    def __iadd__(self, other):
        print("  __iadd__ called")
        self.coords = (self + other).coords
        return self

    def __sub__(self, other):
        return self + (-other)

    def __neg__(self):
        return Vector(*(-a for a in self.coords))

    def __mul__(self, k):
        if not isinstance(k, (int, float)):
            return NotImplemented
        return Vector(*(a * k for a in self.coords))

    __rmul__ = __mul__

    def __matmul__(self, other):
        return sum(a * b for a, b in zip(self.coords, other.coords))

    def __abs__(self):
        return sum(a * a for a in self.coords) ** 0.5

    def __eq__(self, other):
        return isinstance(other, Vector) and self.coords == other.coords


v = Vector(1, 2)
w = Vector(3, 4)
print(v + w, v - w, -v, v * 3, 3 * v, v @ w, abs(w))
print(10 + v)
print(sum([v, w, Vector(10, 10)]))
alias = v
v += w
print(v, alias is v, alias)
t = (1, 2)
t_alias = t
t += (3,)
print(t, t_alias, t is t_alias)
lst = [1]
lst_alias = lst
lst += [2]
print(lst, lst_alias is lst)
for bad in [lambda: v * "x", lambda: v + "s", lambda: "s" - v]:
    try:
        bad()
    except TypeError as e:
        print("TypeError:", e)
print(v == Vector(4, 6), v != Vector(4, 6), v == 5)


class Money:
    def __init__(self, cents):
        self.cents = cents

    def __add__(self, other):
        return Money(self.cents + other.cents)

    def __floordiv__(self, n):
        return Money(self.cents // n)

    def __mod__(self, n):
        return Money(self.cents % n)

    def __pow__(self, n):
        return Money(self.cents ** n)

    def __repr__(self):
        return f"${self.cents / 100:.2f}"


m = Money(1001)
print(m + Money(99), m // 3, m % 3, Money(3) ** 2, divmod(7, 2))
