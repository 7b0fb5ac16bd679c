# Exercises: generator functions, lazy evaluation order, generator state and StopIteration on exhaustion.
def countdown(n):
    print(f"  starting countdown({n})")
    while n > 0:
        print(f"  yielding {n}")
        yield n
        n -= 1
    print("  countdown finished")


gen = countdown(3)
print("created generator, nothing ran yet")
print(type(gen).__name__, gen.__name__, gen.__qualname__)
print("first:", next(gen))
print("rest:", list(gen))
print("again:", list(gen), next(gen, "done"))


def fibonacci():
    a, b = 0, 1
    while True:
        yield a
        a, b = b, a + b


fib = fibonacci()
print([next(fib) for _ in range(12)])


def read_records(lines):
    for lineno, line in enumerate(lines, 1):
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        key, _, value = line.partition("=")
        yield lineno, key.strip(), value.strip()


text = """
# config
name = demo
size=3

color = blue
"""
for rec in read_records(text.splitlines()):
    print(rec)


def pipeline(numbers):
    evens = (n for n in numbers if n % 2 == 0)
    squares = (n * n for n in evens)
    return squares


print(list(pipeline(range(10))))


def gen_with_return():
    yield 1
    return "the return value"


g = gen_with_return()
next(g)
try:
    next(g)
except StopIteration as e:
    print("StopIteration value:", e.value, e.args)


def state_demo():
    yield "a"
    yield "b"


s = state_demo()
import inspect
print(inspect.getgeneratorstate(s))
next(s)
print(inspect.getgeneratorstate(s), s.gi_frame.f_lineno, s.gi_running)
list(s)
print(inspect.getgeneratorstate(s), s.gi_frame)
