# Exercises: __getattr__ fallback, __getattribute__ interception, __setattr__/__delattr__ and __dir__.
class Config:
    def __init__(self, **values):
        object.__setattr__(self, "_values", dict(values))
        object.__setattr__(self, "_log", [])

    def __getattr__(self, name):
        # only called when normal lookup fails
        self._log.append(f"getattr {name}")
        try:
            return self._values[name]
        except KeyError:
            raise AttributeError(f"no setting named {name!r}") from None

    def __setattr__(self, name, value):
        self._log.append(f"setattr {name}")
        self._values[name] = value

    def __delattr__(self, name):
        self._log.append(f"delattr {name}")
        del self._values[name]

    def __dir__(self):
        return sorted(self._values)


c = Config(debug=True, level=3)
print(c.debug, c.level)
c.level = 5
c.name = "app"
print(c.level, c.name, dir(c))
del c.debug
try:
    c.debug
except AttributeError as e:
    print("AttributeError:", e)
print(getattr(c, "missing", "fallback"), hasattr(c, "name"), hasattr(c, "nope"))
print(c._log)


class Spy:
    def __init__(self):
        self.x = 1

    def __getattribute__(self, name):
        if not name.startswith("__"):
            print(f"  access {name}")
        return super().__getattribute__(name)

    def method(self):
        return self.x + 1


s = Spy()
print(s.x, s.method())
try:
    s.nothing
except AttributeError as e:
    print("AttributeError:", e)


class Proxy:
    def __init__(self, target):
        self._target = target

    def __getattr__(self, name):
        attr = getattr(self._target, name)
        if callable(attr):
            def wrapped(*args):
                print(f"  proxy call {name}{args}")
                return attr(*args)
            return wrapped
        return attr


p = Proxy([3, 1, 2])
p.append(0)
p.sort()
print(p._target, p.count(1))


class ReadOnly:
    __slots__ = ()

    def __setattr__(self, name, value):
        raise AttributeError(f"cannot set {name}: object is read-only")


try:
    ReadOnly().x = 1
except AttributeError as e:
    print("AttributeError:", e)
