# sys.getrefcount of a module global as references to it are taken and dropped: the
# simulated sys answers what CPython does (its count has the caller's stack reference in it).

import sys


class Box:
    pass


x = Box()
print("bound", sys.getrefcount(x))
items = [x, x]
print("in a list twice", sys.getrefcount(x))
table = {"k": x}
print("and a dict", sys.getrefcount(x))
holder = Box()
holder.attr = x
print("and an attribute", sys.getrefcount(x))
del items
print("list dropped", sys.getrefcount(x))


def argument(a):
    return sys.getrefcount(a)


print("as an argument", argument(x))


def local():
    y = x
    z = y
    return sys.getrefcount(x)


print("two locals", local())


def closure():
    cell = x

    def inner():
        return sys.getrefcount(cell)

    return inner


inner = closure()
print("in a cell", inner())
del inner
print("cell dropped", sys.getrefcount(x))
table.clear()
holder.attr = None
print("only the global", sys.getrefcount(x))
numbers = [1, 2, 3]
print("a list", sys.getrefcount(numbers))
