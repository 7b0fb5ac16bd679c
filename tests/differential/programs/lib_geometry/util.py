# Support module: a plain submodule used via relative imports.
print("lib_geometry.util loaded as", __name__)


def describe(shape):
    return f"{type(shape).__name__} with area {shape.area():.2f}"


def package_name():
    return __package__
