# Exercises: packages: __init__ importing submodules, import pkg.sub, relative imports, subpackages, __all__.
import lib_geometry
print("imported lib_geometry, VERSION", lib_geometry.VERSION)
import lib_geometry.shapes
from lib_geometry import Circle, describe_shape
from lib_geometry.util import package_name
import lib_geometry.shapes_ext as ext
from lib_geometry.shapes_ext import Ring, describe_ring

c = Circle(1)
s = lib_geometry.Square(3)
print(str(c), "|", str(s), "|", describe_shape(s))
print(package_name(), lib_geometry.shapes.__name__, lib_geometry.shapes.__package__)
print(ext.__name__, ext.__package__, lib_geometry.shapes_ext is ext)
r = Ring(2, 1)
print(describe_ring(r), isinstance(r, Circle), Ring.__mro__[1].__module__)
print(lib_geometry.shapes.Circle is Circle, lib_geometry.shapes.describe is lib_geometry.util.describe)
ns = {}
exec("from lib_geometry import *", ns)
print(sorted(k for k in ns if not k.startswith("__")))
import sys
print(sorted(m for m in sys.modules if m.startswith("lib_geometry")))
print(hasattr(lib_geometry, "__path__"), hasattr(lib_geometry.util, "__path__"))
print(lib_geometry.__spec__.name, lib_geometry.shapes.__spec__.parent, lib_geometry.__spec__.submodule_search_locations is not None)
