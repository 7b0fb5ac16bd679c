# Exercises: __call__ objects, __enter__/__exit__ context managers, exception suppression in __exit__.
class Multiplier:
    def __init__(self, factor):
        self.factor = factor
        self.calls = 0

    def __call__(self, value):
        self.calls += 1
        return value * self.factor


double = Multiplier(2)
print(double(21), list(map(double, [1, 2, 3])), double.calls, callable(double))


class Tag:
    depth = 0

    def __init__(self, name, suppress=False):
        self.name = name
        self.suppress = suppress

    def __enter__(self):
        print("  " * Tag.depth + f"<{self.name}>")
        Tag.depth += 1
        return self

    def __exit__(self, exc_type, exc, tb):
        Tag.depth -= 1
        status = "" if exc_type is None else f" ({exc_type.__name__}: {exc})"
        print("  " * Tag.depth + f"</{self.name}>{status}")
        return self.suppress


with Tag("html") as html:
    with Tag("body"), Tag("div") as div:
        print("    content in", div.name, "inside", html.name)

with Tag("outer", suppress=True):
    with Tag("inner"):
        raise ValueError("boom")
    print("not reached")
print("after suppressed exception")

try:
    with Tag("noisy"):
        1 / 0
except ZeroDivisionError as e:
    print("propagated:", e)


class Resource:
    def __init__(self):
        self.log = []

    def __enter__(self):
        self.log.append("open")
        return self.log

    def __exit__(self, *exc_info):
        self.log.append("close")
        print("exit args are None:", all(x is None for x in exc_info))


r = Resource()
with r as log:
    log.append("use")
print(r.log)


def early_return():
    with Tag("func"):
        return "returned from inside with"


print(early_return())
for i in range(3):
    with Tag(f"loop{i}"):
        if i == 1:
            continue
        if i == 2:
            break
print("done")
