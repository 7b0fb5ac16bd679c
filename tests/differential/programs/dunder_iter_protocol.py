# Exercises: __iter__/__next__ iterator classes, StopIteration, iter(callable, sentinel), next() default.
class Countdown:
    def __init__(self, start):
        self.current = start

    def __iter__(self):
        return self

    def __next__(self):
        if self.current <= 0:
            raise StopIteration
        self.current -= 1
        return self.current + 1


class Fib:
    def __init__(self, limit):
        self.limit = limit

    def __iter__(self):
        a, b = 0, 1
        while a < self.limit:
            yield a
            a, b = b, a + b


cd = Countdown(5)
print(next(cd), next(cd), list(cd), list(cd), next(cd, "exhausted"))
f = Fib(100)
print(list(f), list(f), sum(f), max(f))
it = iter([10, 20, 30])
print(next(it), next(it), next(it), next(it, None))
try:
    next(it)
except StopIteration as e:
    print("StopIteration", repr(e))

data = iter([3, 1, 4, 1, 5, 9, 2, 6])
print(list(iter(lambda: next(data), 9)))
print(list(data))
counter = [0]


def tick():
    counter[0] += 1
    return counter[0]


print(list(iter(tick, 5)))
for x, y in zip(Countdown(3), Fib(10)):
    print("pair", x, y)
print(dict(zip("abc", Countdown(3))), list(enumerate(Countdown(2), start=1)))
try:
    iter(5)
except TypeError as e:
    print("TypeError:", e)


class BadIter:
    def __iter__(self):
        return 42


try:
    for _ in BadIter():
        pass
except TypeError as e:
    print("TypeError:", e)
a, b, c = Countdown(3)
print(a, b, c)
try:
    a, b = Countdown(3)
except ValueError as e:
    print("ValueError:", e)
