# Exercises: raise ... from, implicit __context__, __suppress_context__, from None, and traceback objects.
class ConfigError(Exception):
    pass


def load(text):
    try:
        return int(text)
    except ValueError as e:
        raise ConfigError(f"bad config value {text!r}") from e


def implicit():
    try:
        {}["key"]
    except KeyError:
        raise RuntimeError("while handling")


def hidden():
    try:
        [][0]
    except IndexError:
        raise ValueError("context hidden") from None


for func, arg in [(load, "x"), (implicit, None), (hidden, None)]:
    try:
        func(arg) if arg is not None else func()
    except Exception as e:
        print(type(e).__name__, "-", e)
        print("  __cause__:", repr(e.__cause__))
        print("  __context__:", repr(e.__context__))
        print("  __suppress_context__:", e.__suppress_context__)


def describe_chain(exc):
    parts = []
    while exc is not None:
        parts.append(f"{type(exc).__name__}({exc})")
        exc = exc.__cause__ or (None if exc.__suppress_context__ else exc.__context__)
    return " <- ".join(parts)


try:
    try:
        try:
            1 / 0
        except ZeroDivisionError as a:
            raise KeyError("level2") from a
    except KeyError:
        raise TypeError("level3")
except TypeError as top:
    print(describe_chain(top))
    tb = top.__traceback__
    print(type(tb).__name__, tb.tb_lineno, tb.tb_frame.f_code.co_name)
e = ValueError("manual")
e.__cause__ = KeyError("set by hand")
print(repr(e.__cause__), e.__suppress_context__)
try:
    raise e
except ValueError as caught:
    print("suppress after raise with manual cause:", caught.__suppress_context__)
try:
    raise ValueError("x") from 5
except TypeError as err:
    print("TypeError:", err)
err = RuntimeError("with note")
err.add_note("note one")
err.add_note("note two")
print(err.__notes__)
print(ConfigError.__mro__[1:], ConfigError("a", "b").args, str(ConfigError()), repr(ConfigError("m")))
