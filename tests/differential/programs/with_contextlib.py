# Exercises: contextlib.contextmanager, suppress, ExitStack, redirect_stdout, closing and nullcontext.
import contextlib
import io


@contextlib.contextmanager
def section(title):
    print(f"== begin {title}")
    try:
        yield title.upper()
    except ZeroDivisionError as e:
        print(f"   handled inside {title}: {e}")
    finally:
        print(f"== end {title}")


with section("alpha") as t:
    print("   body got", t)

with section("beta"):
    1 / 0
print("beta's error was handled by the generator")

try:
    with section("gamma"):
        raise KeyError("escapes")
except KeyError as e:
    print("KeyError escaped:", e)

with contextlib.suppress(FileNotFoundError, KeyError):
    {}["x"]
    print("never printed")
print("suppress worked")

buf = io.StringIO()
with contextlib.redirect_stdout(buf):
    print("captured line 1")
    print("captured line 2")
print("captured:", buf.getvalue().splitlines())


class Closable:
    def __init__(self, name):
        self.name = name

    def close(self):
        print(f"   closing {self.name}")


with contextlib.closing(Closable("conn")) as c:
    print("   using", c.name)

with contextlib.ExitStack() as stack:
    names = [stack.enter_context(section(f"s{i}")) for i in range(3)]
    stack.callback(print, "   callback registered last runs first")
    print("   inside stack with", names)

with contextlib.nullcontext(42) as value:
    print("nullcontext gave", value)


@contextlib.contextmanager
def bad_manager():
    yield 1
    yield 2


try:
    with bad_manager():
        pass
except RuntimeError as e:
    print("RuntimeError:", e)


@contextlib.contextmanager
def no_yield():
    if False:
        yield


try:
    with no_yield():
        pass
except RuntimeError as e:
    print("RuntimeError:", e)
with open("with_contextlib.py") as fh:
    print("first line:", fh.readline().rstrip())
print("file closed:", fh.closed)
