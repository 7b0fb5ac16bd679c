# Exercises: globals()/locals()/vars()/dir() of own objects, getattr/setattr/delattr, type and code introspection.
import types

GLOBAL_CONST = 1


class Widget:
    kind = "gadget"

    def __init__(self, name):
        self.name = name
        self.size = 3

    def grow(self, by=1):
        self.size += by
        return self.size


def show_locals(a, b=2, *args, **kwargs):
    c = a + b
    return sorted(locals().items())


w = Widget("knob")
print(vars(w), sorted(vars(Widget).keys() - {"__dict__", "__weakref__", "__module__", "__doc__"}))
print([n for n in dir(w) if not n.startswith("_")])
print(show_locals(1), show_locals(1, 5, 6, k=7))
g = globals()
print("GLOBAL_CONST" in g, g["GLOBAL_CONST"], g["__name__"], sorted(k for k in g if k.startswith("GLOBAL")))
g["INJECTED"] = "via globals()"
print(INJECTED)
setattr(w, "color", "red")
print(getattr(w, "color"), hasattr(w, "color"))
delattr(w, "color")
print(hasattr(w, "color"), getattr(w, "grow")(2))
method = getattr(Widget, "grow")
print(method(w), type(method).__name__, type(w.grow).__name__)
code = Widget.grow.__code__
print(code.co_name, code.co_argcount, code.co_varnames, code.co_consts, code.co_firstlineno)
print(callable(show_locals), isinstance(len, types.BuiltinFunctionType))  # see docs: simulated functions are not types.FunctionType
print(Widget.__dict__["kind"], type(Widget.__dict__).__name__, w.__class__.__name__, w.__module__)
print(show_locals.__code__.co_flags & 0x04 != 0, show_locals.__code__.co_flags & 0x08 != 0)
print(show_locals.__defaults__, show_locals.__globals__ is globals(), show_locals.__name__)


def outer():
    v = "enclosed"

    def inner():
        return v

    return inner


fn = outer()
print(fn.__code__.co_freevars, fn.__closure__[0].cell_contents, fn.__qualname__)
mod = types.ModuleType("made_up", "a doc")
mod.value = 1
print(mod.__name__, mod.__doc__, vars(mod)["value"], sorted(vars(mod)))
ns = types.SimpleNamespace(a=1, b="two")
ns.c = [3]
print(ns, vars(ns), ns == types.SimpleNamespace(a=1, b="two", c=[3]))
print(type(w) is Widget, type(Widget) is type, type(type), Widget.__class__)
print(sorted(vars().keys() & {"w", "ns", "Widget"}), dir()[:0], sorted(dir())[:3])
try:
    vars(5)
except TypeError as e:
    print("TypeError:", e)
