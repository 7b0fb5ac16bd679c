# Exercises: decorators with arguments, decorator classes, method decorators and registries.
import functools

REGISTRY = {}


def register(name=None, *, tags=()):
    def decorator(func):
        key = name or func.__name__
        REGISTRY[key] = (func, tuple(tags))
        return func
    return decorator


def repeat(times):
    def decorator(func):
        @functools.wraps(func)
        def wrapper(*args, **kwargs):
            return [func(*args, **kwargs) for _ in range(times)]
        return wrapper
    return decorator


class Memoize:
    def __init__(self, func):
        functools.update_wrapper(self, func)
        self.func = func
        self.cache = {}

    def __call__(self, *args):
        if args not in self.cache:
            self.cache[args] = self.func(*args)
        return self.cache[args]


@register()
def alpha():
    return "a"


@register("beta-func", tags=["x", "y"])
def beta():
    return "b"


@repeat(3)
def roll(seed=[0]):
    seed[0] = (seed[0] * 31 + 7) % 100
    return seed[0]


@Memoize
def slow_square(n):
    print("computing", n)
    return n * n


print(sorted(REGISTRY), REGISTRY["beta-func"][1], REGISTRY["alpha"][0]())
print(roll(), roll.__name__)
print(slow_square(4), slow_square(4), slow_square(5), len(slow_square.cache))
print(slow_square.__name__, type(slow_square).__name__)


def validate(**types):
    def decorator(func):
        @functools.wraps(func)
        def wrapper(**kwargs):
            for key, typ in types.items():
                if not isinstance(kwargs.get(key), typ):
                    raise TypeError(f"{key} must be {typ.__name__}")
            return func(**kwargs)
        return wrapper
    return decorator


@validate(x=int, label=str)
def show(x, label):
    return f"{label}={x}"


print(show(x=3, label="n"))
try:
    show(x="3", label="n")
except TypeError as e:
    print("rejected:", e)


class Greeter:
    @repeat(2)
    def hi(self, who):
        return f"hi {who}"


print(Greeter().hi("there"))
