# Support module: the other half of the circular import pair.
print("lib_circ_b: start")
import lib_circ_a

print("lib_circ_b: lib_circ_a is partially initialised, has A_VALUE?", hasattr(lib_circ_a, "A_VALUE"))
B_VALUE = "b-value"


def from_b():
    return "from_b sees " + lib_circ_a.A_VALUE


print("lib_circ_b: end")
