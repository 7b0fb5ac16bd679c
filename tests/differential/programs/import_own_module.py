# Exercises: import of own modules (import x, from x import y, import x as y, star import, module state).
print("main program starts, __name__ =", __name__)
import lib_mathutils
import lib_mathutils as mu
from lib_mathutils import cube, square as sq

print(lib_mathutils is mu, lib_mathutils.__name__, lib_mathutils.__doc__)
print(sq(4), cube(3), mu.square(5), lib_mathutils.call_count)
print("from-import copies the binding:", lib_mathutils.PI_ISH)
from lib_mathutils import call_count
lib_mathutils.record()
print("call_count binding is stale:", call_count, "module attribute:", lib_mathutils.call_count)
lib_mathutils.PI_ISH = 3.14159
from lib_mathutils import PI_ISH
print("after reassigning module attribute:", PI_ISH)
namespace = {}
exec("from lib_mathutils import *", namespace)
print(sorted(k for k in namespace if k != "__builtins__"))
print(lib_mathutils._helper(), hasattr(lib_mathutils, "_private"))
import sys
print("lib_mathutils" in sys.modules, sys.modules["lib_mathutils"] is mu, type(mu).__name__)
import lib_mathutils
print("second import does not re-execute the module")
import os.path
print(os.path.basename(lib_mathutils.__file__), os.path.join("a", "b"))
try:
    from lib_mathutils import does_not_exist
except ImportError as e:
    print("ImportError name:", e.name, "| msg starts:", str(e).split(" (")[0])
try:
    import lib_nonexistent_module
except ModuleNotFoundError as e:
    print("ModuleNotFoundError:", e)
print(sorted(n for n in dir(mu) if not n.startswith("__")))
