# Exercises: circular imports that work (module attribute access) and one that fails (from-import of a missing name).
import lib_circ_a
import lib_circ_b

print(lib_circ_a.from_a())
print(lib_circ_b.from_b())
print(lib_circ_a.lib_circ_b is lib_circ_b, lib_circ_b.lib_circ_a is lib_circ_a)
try:
    import lib_circ_bad_x
except ImportError as e:
    message = str(e)
    print("ImportError for name", repr(e.name))
    print("message mentions circular import:", "circular import" in message)
    print("message head:", message.split(" (")[0])
import sys
print("lib_circ_bad_x" in sys.modules, "lib_circ_bad_y" in sys.modules)
