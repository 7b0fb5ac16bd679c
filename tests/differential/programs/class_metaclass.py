# Exercises: metaclasses (__new__, __init__, __call__, __prepare__), type() and class creation order.
class Meta(type):
    @classmethod
    def __prepare__(mcs, name, bases, **kwargs):
        print(f"__prepare__ {name} {kwargs}")
        return {"injected": "from prepare"}

    def __new__(mcs, name, bases, namespace, **kwargs):
        print(f"Meta.__new__ {name} bases={[b.__name__ for b in bases]}")
        names = sorted(k for k in namespace if not k.startswith("__"))
        print("  namespace:", names)
        cls = super().__new__(mcs, name, bases, namespace)
        cls.tag = kwargs.get("tag", "none")
        return cls

    def __init__(cls, name, bases, namespace, **kwargs):
        print(f"Meta.__init__ {name}")
        super().__init__(name, bases, namespace)

    def __call__(cls, *args, **kwargs):
        print(f"Meta.__call__ {cls.__name__}{args}")
        return super().__call__(*args, **kwargs)


class Model(metaclass=Meta, tag="base"):
    field = 1

    def __init__(self, value):
        print("Model.__init__", value)
        self.value = value


class User(Model):
    name = "user"


u = User(42)
print(u.value, User.tag, Model.tag, User.injected, type(User).__name__, type(Meta).__name__)
print(isinstance(User, Meta), isinstance(u, Model))


class Singleton(type):
    _instances = {}

    def __call__(cls, *args):
        if cls not in cls._instances:
            cls._instances[cls] = super().__call__(*args)
        return cls._instances[cls]


class Settings(metaclass=Singleton):
    def __init__(self, env="dev"):
        self.env = env


print(Settings("prod") is Settings("test"), Settings().env)

Dynamic = type("Dynamic", (object,), {"x": 5, "double": lambda self: self.x * 2})
print(Dynamic.__name__, Dynamic().double(), Dynamic.__bases__, type(Dynamic))


class Upper(type):
    def __new__(mcs, name, bases, ns):
        ns = {(k.upper() if not k.startswith("__") else k): v for k, v in ns.items()}
        return super().__new__(mcs, name, bases, ns)


class Shout(metaclass=Upper):
    hello = "hi"

    def greet(self):
        return "greetings"


print(Shout.HELLO, Shout().GREET(), hasattr(Shout, "hello"))
