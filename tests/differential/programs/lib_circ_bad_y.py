# Support module: imports a name from lib_circ_bad_x before it is defined.
from lib_circ_bad_x import x_func


def y_func():
    return "y"
