# Support package for import_package.py: the __init__ imports its submodules.
print("lib_geometry/__init__ start")
from . import shapes
from .shapes import Circle, Square
from .util import describe as describe_shape

VERSION = "1.0"
__all__ = ["Circle", "Square", "describe_shape", "VERSION"]
print("lib_geometry/__init__ end")
