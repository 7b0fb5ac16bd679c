# Exercises: an uncaught AttributeError with CPython's "Did you mean" suggestion for an instance attribute.
class Inventory:
    def __init__(self):
        self.items = {"apple": 3}
        self.capacity = 10

    def count(self):
        return sum(self.items.values())


inv = Inventory()
print("count:", inv.count())
print("capacity:", inv.capacty)
