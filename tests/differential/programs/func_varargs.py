# Exercises: *args and **kwargs, argument unpacking at call sites and forwarding wrappers.
def collect(*args, **kwargs):
    print("args:", args, "kwargs:", kwargs)
    return len(args) + len(kwargs)


print(collect())
print(collect(1, 2, 3))
print(collect(a=1, b=2))
print(collect(1, *[2, 3], *(4,), x=5, **{"y": 6, "z": 7}))


def mean(first, *rest):
    values = (first,) + rest
    return sum(values) / len(values)


print(mean(4), mean(1, 2, 3, 4))


def forward(func, *args, **kwargs):
    print(f"calling {func.__name__} with {args} {kwargs}")
    return func(*args, **kwargs)


def describe(name, age, city="Nowhere"):
    return f"{name} ({age}) from {city}"


print(forward(describe, "Ann", 31))
print(forward(describe, "Bob", age=40, city="Oslo"))
params = {"name": "Cy", "age": 22}
print(describe(**params))
print(describe(*["Di", 50], **{"city": "Rome"}))


def merge(**options):
    defaults = {"color": "red", "size": 3}
    defaults.update(options)
    return defaults


print(merge(), merge(size=10, shape="circle"))
print(max(*[3, 8, 1]), print(*"abc", sep="|"))
first, *middle, last = range(6)
print(first, middle, last)
print(sorted({**{"b": 1}, **{"a": 2}}.items()), [*range(3), *"xy"], (*[1, 2],))
