# Support module for the import_* programs: functions, constants and module-level state.
"""Small math helpers."""

PI_ISH = 3.14
call_count = 0
_private = "hidden from star-import"
__all__ = ["square", "cube", "PI_ISH", "call_count", "record"]

print(f"lib_mathutils executing (__name__={__name__})")


def square(x):
    record()
    return x * x


def cube(x):
    record()
    return x * x * x


def record():
    global call_count
    call_count += 1


def _helper():
    return "private helper"


if __name__ == "__main__":
    print("this only runs when lib_mathutils is the main program")
