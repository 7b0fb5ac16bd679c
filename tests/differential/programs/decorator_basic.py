# Exercises: simple decorators, functools.wraps, stacking order and decorators with state.
import functools


def shout(func):
    @functools.wraps(func)
    def wrapper(*args, **kwargs):
        result = func(*args, **kwargs)
        return result.upper() + "!"
    return wrapper


def trace(func):
    depth = [0]

    @functools.wraps(func)
    def wrapper(*args):
        print("  " * depth[0] + f"-> {func.__name__}{args}")
        depth[0] += 1
        result = func(*args)
        depth[0] -= 1
        print("  " * depth[0] + f"<- {result}")
        return result
    return wrapper


def no_wraps(func):
    def wrapper(*args):
        return func(*args)
    return wrapper


@shout
def greet(name):
    """Say hello."""
    return f"hello {name}"


@trace
def fib(n):
    return n if n < 2 else fib(n - 1) + fib(n - 2)


@no_wraps
def plain():
    """doc"""


print(greet("world"), greet.__name__, greet.__doc__, greet.__wrapped__("raw"))
print(fib(4))
print(plain.__name__, plain.__doc__, plain.__qualname__)


def first(f):
    print("decorating with first:", f.__name__)
    return lambda: "first(" + f() + ")"


def second(f):
    print("decorating with second:", f.__name__)
    return lambda: "second(" + f() + ")"


@first
@second
def base():
    return "base"


print(base())


def count_calls(func):
    @functools.wraps(func)
    def wrapper(*a, **k):
        wrapper.calls += 1
        return func(*a, **k)
    wrapper.calls = 0
    return wrapper


@count_calls
def noop():
    pass


for _ in range(5):
    noop()
print("calls:", noop.calls)
