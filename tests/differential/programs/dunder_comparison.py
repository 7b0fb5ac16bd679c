# Exercises: __eq__/__hash__/__lt__ with sorted(), functools.total_ordering and reflected comparisons.
import functools


@functools.total_ordering
class Version:
    def __init__(self, text):
        self.parts = tuple(int(p) for p in text.split("."))

    def __eq__(self, other):
        if not isinstance(other, Version):
            return NotImplemented
        return self.parts == other.parts

    def __lt__(self, other):
        return self.parts < other.parts

    def __hash__(self):
        return hash(self.parts)

    def __repr__(self):
        return "v" + ".".join(map(str, self.parts))


vs = [Version(s) for s in ["1.10", "1.2", "1.2.1", "0.9", "1.2"]]
print(sorted(vs), min(vs), max(vs))
print(sorted(vs, reverse=True))
print(Version("1.0") <= Version("1.0"), Version("2.0") > Version("1.9"), Version("1.0") >= Version("1.1"))
print(len(set(vs)), Version("1.2") in vs, vs.count(Version("1.2")), vs.index(Version("1.2.1")))
print({Version("1.0"): "one"}[Version("1.0")])


class Loud:
    def __init__(self, n):
        self.n = n

    def __lt__(self, other):
        print(f"  {self.n} < {other.n}?")
        return self.n < other.n

    def __gt__(self, other):
        print(f"  {self.n} > {other.n}?")
        return self.n > other.n

    def __repr__(self):
        return f"L{self.n}"


print(sorted([Loud(3), Loud(1), Loud(2)]))
print(Loud(1) > Loud(2))


class NoHash:
    def __eq__(self, other):
        return True


print(NoHash.__hash__, NoHash() == 1, NoHash() != 1)
try:
    {NoHash()}
except TypeError as e:
    print("TypeError:", e)
try:
    sorted([NoHash(), NoHash()])
except TypeError as e:
    print("TypeError:", e)


class Weird:
    def __eq__(self, other):
        return "truthy string"


print(Weird() == 1, [Weird()] == [Weird()], Weird() in [1])
