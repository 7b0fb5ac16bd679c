# Support module: module-level mutable state shared between importers.
items = []
loads = 0


def add(item):
    items.append(item)
    return len(items)


loads += 1
print("lib_registry body executed, loads =", loads)
