# Exercises: functools.reduce, partial, lru_cache (cache_info/cache_clear), cached_property, singledispatch.
import functools
import operator

print(functools.reduce(operator.add, [1, 2, 3, 4]), functools.reduce(lambda a, b: a * b, range(1, 6), 1))
print(functools.reduce(lambda acc, w: acc + [len(w)], ["ab", "cde"], []))
try:
    functools.reduce(operator.add, [])
except TypeError as e:
    print("TypeError:", e)


def power(base, exponent):
    return base ** exponent


square = functools.partial(power, exponent=2)
two_to = functools.partial(power, 2)
print(square(9), two_to(10), square.func.__name__, square.keywords, two_to.args)
int_from_binary = functools.partial(int, base=2)
print(int_from_binary("1011"), list(map(functools.partial(operator.mul, 3), [1, 2, 3])))


@functools.lru_cache(maxsize=None)
def fib(n):
    return n if n < 2 else fib(n - 1) + fib(n - 2)


print(fib(80), fib.cache_info())
fib.cache_clear()
print(fib.cache_info())


@functools.lru_cache(maxsize=2)
def slow(x):
    print("  computing", x)
    return x * 10


for v in [1, 2, 1, 3, 1, 2]:
    slow(v)
print(slow.cache_info())


class Dataset:
    def __init__(self, values):
        self.values = values

    @functools.cached_property
    def stats(self):
        print("  computing stats")
        return min(self.values), max(self.values), sum(self.values) / len(self.values)


ds = Dataset([4, 8, 15, 16, 23, 42])
print(ds.stats, ds.stats)


@functools.singledispatch
def show(obj):
    return f"object {obj!r}"


@show.register
def _(obj: int):
    return f"int {obj}"


@show.register(list)
def _(obj):
    return "list of " + ", ".join(show(x) for x in obj)


print(show(3), "|", show("s"), "|", show([1, "a"]), "|", show(True))
print(functools.reduce(lambda d, kv: {**d, kv[0]: kv[1]}, [("a", 1), ("b", 2)], {}))
compose = lambda *fs: functools.reduce(lambda f, g: lambda x: g(f(x)), fs)
print(compose(lambda x: x + 1, lambda x: x * 10, str)(4))


@functools.cache
def count_paths(r, c):
    return 1 if r == 0 or c == 0 else count_paths(r - 1, c) + count_paths(r, c - 1)


print(count_paths(16, 16))
print(repr(square)[:17])
