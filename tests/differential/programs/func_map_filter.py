# Exercises: map/filter/zip/enumerate with user-defined functions, multiple iterables, laziness and higher-order helpers.
def celsius_to_f(c):
    return c * 9 / 5 + 32


def is_comfortable(f):
    return 60 <= f <= 80


def describe(day, temp):
    return f"{day}: {temp:.1f}F"


temps_c = [12, 18.5, 22, 30, 26, -3]
days = ["mon", "tue", "wed", "thu", "fri", "sat"]
temps_f = list(map(celsius_to_f, temps_c))
print(temps_f)
print(list(filter(is_comfortable, temps_f)))
print(list(map(describe, days, temps_f)))
print(list(map(pow, [2, 3, 4], [5, 2])))
print(list(filter(None, [0, 1, "", "a", None, [], [0]])))
lazy = map(celsius_to_f, temps_c)
print(type(lazy).__name__, next(lazy), next(lazy), list(lazy), list(lazy))
calls = []


def traced(x):
    calls.append(x)
    return x % 2 == 0


evens = filter(traced, range(6))
print("nothing called yet:", calls)
print(next(evens), calls)
print(list(evens), calls)


def apply_twice(f, x):
    return f(f(x))


def make_scaler(k):
    def scale(v):
        return v * k
    return scale


print(apply_twice(make_scaler(3), 2), list(map(make_scaler(10), range(4))))
pipeline = [str.strip, str.lower, lambda s: s.replace(" ", "_")]
value = "  Hello World  "
for step in pipeline:
    value = step(value)
    print(repr(value))
print(sorted(map(len, days)), max(map(celsius_to_f, temps_c)), sum(map(int, "12345")))
print(dict(map(lambda kv: (kv[1], kv[0]), enumerate(days))))
print(list(map(str.upper, filter(lambda d: d.startswith("t"), days))))
print(list(zip(*map(divmod, [17, 23, 9], [5, 7, 2]))))
