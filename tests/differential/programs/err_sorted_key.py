# Exercises: an uncaught exception raised by a key= function called from native code inside sorted().
class Product:
    def __init__(self, name, price):
        self.name = name
        self.price = price


def price_key(product):
    print("key for", product.name)
    return round(product.price * 1.2, 2)


def sort_catalog(products):
    return sorted(products, key=price_key)


catalog = [Product("lamp", 20.0), Product("desk", 150), Product("chair", None), Product("mug", 5)]
print([p.name for p in sort_catalog(catalog[:2])])
print([p.name for p in sort_catalog(catalog)])
