# Support module: a circular 'from ... import' that fails with ImportError.
from lib_circ_bad_y import y_func


def x_func():
    return "x"
