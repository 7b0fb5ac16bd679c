# Exercises: TypeError messages for bad calls (arg counts, missing/unexpected kwargs, multiple values).
def two(a, b):
    return a + b


def with_default(a, b=1, *, c):
    return a + b + c


class Thing:
    def method(self, x):
        return x

    @staticmethod
    def smethod(y):
        return y


NUMBER = 5
attempts = [
    ("too few", lambda: two(1)),
    ("too many", lambda: two(1, 2, 3)),
    ("missing two", lambda: two()),
    ("unexpected kw", lambda: two(1, 2, z=3)),
    ("multiple values", lambda: two(1, a=2)),
    ("kw-only missing", lambda: with_default(1)),
    ("kw-only positional", lambda: with_default(1, 2, 3)),
    ("method too many", lambda: Thing().method(1, 2)),
    ("method missing", lambda: Thing().method()),
    ("static missing", lambda: Thing.smethod()),
    ("unbound missing", lambda: Thing.method(Thing())),
    ("not callable", lambda: NUMBER()),
    ("builtin args", lambda: len(1, 2)),
    ("builtin type", lambda: len(5)),
    ("kwargs not mapping", lambda: two(**[1])),
    ("star not iterable", lambda: two(*5)),
    ("dup via **", lambda: two(1, **{"a": 5})),
    ("int args", lambda: int("x", 2, 3)),
    ("lambda args", lambda: (lambda q: q)()),
    ("class init", lambda: Thing(1)),
]
for label, attempt in attempts:
    try:
        attempt()
    except TypeError as exc:
        print(f"{label:20} -> {exc}")
    else:
        print(label, "did not raise")
