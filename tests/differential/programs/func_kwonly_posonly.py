# Exercises: positional-only (/) and keyword-only (*) parameters and their defaults.
def f(a, b, /, c, d=4, *, e, f=6):
    return (a, b, c, d, e, f)


print(f(1, 2, 3, e=5))
print(f(1, 2, c=3, d=40, e=50))
print(f(1, 2, 3, 4, e=5, f=60))
print(f.__code__.co_posonlyargcount, f.__code__.co_kwonlyargcount, f.__kwdefaults__)


def only_kw(*, x, y=2):
    return x - y


print(only_kw(x=10), only_kw(y=5, x=1))


def posonly_with_kwargs(name, /, **kwargs):
    # 'name' can be used as a keyword in kwargs because it is positional-only
    return name, sorted(kwargs.items())


print(posonly_with_kwargs("pos", name="kw", other=1))

for call in [
    lambda: f(1, b=2, c=3, e=5),
    lambda: f(1, 2, 3),
    lambda: only_kw(1),
    lambda: only_kw(),
    lambda: f(1, 2, 3, 4, 5, e=1),
]:
    try:
        call()
    except TypeError as exc:
        print("TypeError:", exc)


def divide(numerator, denominator, /, *, precision=2):
    return round(numerator / denominator, precision)


print(divide(22, 7), divide(22, 7, precision=5))
