# Support module: an exception hierarchy defined outside __main__ (tracebacks show the module-qualified name).
class InventoryError(Exception):
    pass


class OutOfStock(InventoryError):
    def __init__(self, item, wanted, have):
        super().__init__(f"wanted {wanted} x {item}, only {have} left")
        self.item = item


def take(stock, item, n):
    have = stock.get(item, 0)
    if have < n:
        raise OutOfStock(item, n, have)
    stock[item] = have - n
    return stock[item]
