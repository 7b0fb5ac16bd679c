# Exercises: default arguments, mutable default pitfall, keyword arguments and __defaults__.
def greet(name, greeting="Hello", punctuation="!"):
    return f"{greeting}, {name}{punctuation}"


print(greet("Ann"))
print(greet("Bob", "Hi"))
print(greet("Cy", punctuation="?"))
print(greet(greeting="Yo", name="Di"))


def append_to(item, bucket=[]):
    bucket.append(item)
    return bucket


print(append_to(1))
print(append_to(2))
print(append_to(3, []))
print(append_to(4))


def append_safe(item, bucket=None):
    if bucket is None:
        bucket = []
    bucket.append(item)
    return bucket


print(append_safe(1), append_safe(2))

DEFAULT = 10


def uses_default(x=DEFAULT):
    return x


DEFAULT = 20
print("default evaluated at def time:", uses_default())
print(greet.__defaults__, greet.__name__, greet.__code__.co_argcount, greet.__code__.co_varnames)


def power(base, exp=2):
    """Raise base to exp."""
    return base ** exp


print(power(3), power(2, 10), power(exp=3, base=2), power.__doc__)
print(power.__kwdefaults__, power.__qualname__, power.__module__)
power.__defaults__ = (3,)
print("after changing __defaults__:", power(2))
