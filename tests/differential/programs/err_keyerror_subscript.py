# Exercises: an uncaught KeyError from a nested subscript (carets under the failing subscript) through a lambda.
inventory = {"fruit": {"apple": 3, "pear": 1}, "veg": {"leek": 2}}
lookup = lambda section, name: inventory[section][name]
print(lookup("fruit", "apple"))
print(lookup("veg", "leek"))
print(lookup("veg", "carrot"))
