# Support module: half of a circular import pair (imports lib_circ_b at the top).
print("lib_circ_a: start")
import lib_circ_b

A_VALUE = "a-value"


def from_a():
    return "from_a sees " + lib_circ_b.B_VALUE


print("lib_circ_a: end, lib_circ_b.B_VALUE =", lib_circ_b.B_VALUE)
