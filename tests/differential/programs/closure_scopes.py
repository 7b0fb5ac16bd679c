# Exercises: LEGB scope resolution, global vs nonlocal, UnboundLocalError and class-scope quirks.
x = "global x"


def show():
    return x


def local_shadow():
    x = "local x"
    return x


def unbound():
    try:
        print(x)
        x = 1
    except UnboundLocalError as e:
        return f"UnboundLocalError: {e}"


def nested_global():
    x = "enclosing"

    def inner():
        global x
        x = "global reassigned"
        return x

    return inner(), x


print(show(), "|", local_shadow(), "|", unbound())
print(nested_global(), "|", x)


class Scope:
    y = 5
    doubled = [y * 2 for _ in range(2)] if False else None
    z = y + 1

    def method(self):
        try:
            return y
        except NameError as e:
            return f"NameError: {e}"


print(Scope.z, Scope().method(), Scope.doubled)


def closure_over_loop():
    funcs = []
    for i in range(3):
        def f():
            return i
        funcs.append(f)
    return [f() for f in funcs]


print(closure_over_loop())


def deleted_cell():
    v = 1

    def get():
        return v

    del v
    try:
        return get()
    except NameError as e:
        return f"{type(e).__name__}: {e}"


print(deleted_cell())
len = lambda s: 42
print("shadowed builtin:", len("abc"))
del len
print("restored builtin:", len("abc"))
import builtins
print(builtins.len is len, "print" in dir(builtins))
