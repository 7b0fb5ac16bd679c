# Exercises: __init_subclass__ with keyword arguments, plugin registries and __set_name__ on descriptors.
class Plugin:
    registry = {}

    def __init_subclass__(cls, /, name=None, priority=0, **kwargs):
        super().__init_subclass__(**kwargs)
        cls.plugin_name = name or cls.__name__.lower()
        cls.priority = priority
        Plugin.registry[cls.plugin_name] = cls
        print(f"registered {cls.plugin_name} (priority {priority})")


class Json(Plugin, name="json", priority=5):
    pass


class Yaml(Plugin):
    pass


class StrictJson(Json, priority=9):
    pass


print(sorted(Plugin.registry), StrictJson.plugin_name, StrictJson.priority, Json.priority)
ranked = sorted(Plugin.registry.values(), key=lambda c: -c.priority)
print([c.__name__ for c in ranked])
try:
    class Bad(Plugin, unknown=1):
        pass
except TypeError as e:
    print("TypeError:", e)


class Field:
    def __set_name__(self, owner, name):
        print(f"__set_name__ called: {owner.__name__}.{name}")
        self.name = name
        self.private = "_" + name

    def __get__(self, obj, objtype=None):
        if obj is None:
            return self
        return getattr(obj, self.private, "<unset>")

    def __set__(self, obj, value):
        setattr(obj, self.private, value)


class Record:
    title = Field()
    author = Field()

    def __init__(self, title):
        self.title = title


r = Record("Dune")
print(r.title, r.author, Record.title.name, Record.author.private, sorted(vars(r)))
r.author = "Herbert"
print(r.author, vars(r))
