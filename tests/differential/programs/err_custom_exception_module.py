# Exercises: an uncaught custom exception defined in another module (the traceback prints "lib_errors.OutOfStock").
import lib_errors

stock = {"apple": 5, "pear": 1}
print("left:", lib_errors.take(stock, "apple", 2))
try:
    lib_errors.take(stock, "kiwi", 1)
except lib_errors.InventoryError as e:
    print("caught:", type(e).__name__, e, type(e).__module__)
print("left:", lib_errors.take(stock, "pear", 3))
