# Exercises: importlib.import_module (absolute and relative), __import__ with fromlist, reload and sys.modules.
import importlib
import sys

plugins = {}
for name in ["lib_plugin_alpha", "lib_plugin_beta"]:
    module = importlib.import_module(name)
    plugins[module.NAME] = module
print(sorted(plugins), [plugins[k].run(3) for k in sorted(plugins)])
util = importlib.import_module(".util", package="lib_geometry")
print(util.__name__, util.package_name())
top = __import__("lib_geometry.shapes")
print(top.__name__, hasattr(top, "shapes"))
leaf = __import__("lib_geometry.shapes", fromlist=["Circle"])
print(leaf.__name__, leaf.Circle(2).area())
mod = __import__("lib_registry")
print(mod.add("x"), mod.add("y"), mod.items, mod.loads)
again = importlib.import_module("lib_registry")
print(again is mod, again.items)
reloaded = importlib.reload(mod)
print(reloaded is mod, mod.items, mod.loads)
del sys.modules["lib_registry"]
fresh = importlib.import_module("lib_registry")
print(fresh is mod, fresh.items, mod.items)
try:
    importlib.import_module("lib_does_not_exist")
except ModuleNotFoundError as e:
    print("ModuleNotFoundError:", e, e.name)
try:
    importlib.import_module(".nope", package="lib_geometry")
except ModuleNotFoundError as e:
    print("ModuleNotFoundError:", e)
math = __import__("math")
print(math.sqrt(16), importlib.import_module("os.path").basename("/x/y.txt"))
