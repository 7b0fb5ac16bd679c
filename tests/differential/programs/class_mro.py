# Exercises: multiple inheritance, C3 MRO, cooperative super() chains and MRO conflicts.
class Base:
    def __init__(self, **kwargs):
        print("Base.__init__ leftover", kwargs)
        super().__init__()

    def who(self):
        return ["Base"]


class Left(Base):
    def __init__(self, left=None, **kwargs):
        print("Left.__init__", left)
        super().__init__(**kwargs)

    def who(self):
        return ["Left"] + super().who()


class Right(Base):
    def __init__(self, right=None, **kwargs):
        print("Right.__init__", right)
        super().__init__(**kwargs)

    def who(self):
        return ["Right"] + super().who()


class Diamond(Left, Right):
    def __init__(self, **kwargs):
        print("Diamond.__init__")
        super().__init__(**kwargs)

    def who(self):
        return ["Diamond"] + super().who()


d = Diamond(left=1, right=2, extra=3)
print(d.who())
print([c.__name__ for c in Diamond.__mro__])
print([c.__name__ for c in Diamond.mro()])


class A: pass
class B: pass
class C(A, B): pass
class D(B, A): pass


print([k.__name__ for k in C.__mro__], [k.__name__ for k in D.__mro__])
try:
    class E(C, D):
        pass
except TypeError as e:
    print("TypeError:", e)
try:
    class F(A, A):
        pass
except TypeError as e:
    print("TypeError:", e)


class Mixin:
    def greet(self):
        return "mixin greet from " + self.name()


class Named:
    def name(self):
        return "Named"


class Combo(Mixin, Named):
    pass


print(Combo().greet(), Combo.__bases__)
print(super(Left, d).who(), super(Right, d).who())
