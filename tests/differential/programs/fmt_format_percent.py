# Exercises: str.format (positional, named, indexed, attribute, format_map) and printf-style % formatting.
class Point:
    def __init__(self, x, y):
        self.x, self.y = x, y


p = Point(3, 4)
print("{} + {} = {}".format(1, 2, 1 + 2))
print("{1} {0} {1}".format("a", "b"))
print("{name} is {age} years".format(name="Bo", age=7))
print("{0[0]} {0[1]} {1[key]}".format(["first", "second"], {"key": "value"}))
print("point at ({0.x}, {0.y})".format(p), "{p.x}".format(p=p))
print("{:>8}|{:<8}|{:^8}|{:08.3f}|{:,d}".format("r", "l", "c", 3.14159, 10 ** 7))
print("{0!r} {0!s} {0!a}".format("é"))
print("{:{fill}{align}{width}}".format("x", fill="-", align=">", width=6))
print("{greeting}, {name}!".format_map({"greeting": "Hi", "name": "you"}))


class Default(dict):
    def __missing__(self, key):
        return f"<{key}?>"


print("{a} and {b}".format_map(Default(a="known")))
for bad in ["{0} {1}", "{missing}", "{0:d}", "{:", "{} {0}"]:
    try:
        print(bad.format("only"))
    except (IndexError, KeyError, ValueError) as e:
        print(type(e).__name__, "for", repr(bad), "->", e)
print("%s is %d years and %.1f m" % ("Al", 30, 1.756))
print("%5s|%-5s|%05d|%+d|%x|%X|%o|%e|%g|%%" % ("ab", "cd", 42, 5, 255, 255, 8, 12345.678, 0.00001))
print("%(name)s has %(count)03d items" % {"name": "cart", "count": 7})
print("%r %a %c %c" % ("q", "ü", 65, "z"))
print("%*d|%-*d|%.*f" % (5, 42, 4, 7, 2, 3.14159))
print("single %s" % "value", "tuple %s" % ((1, 2),), "%s" % [1, 2])
for bad_args in [("%d", "x"), ("%s %s", ("one",)), ("%s", (1, 2)), ("%z", 1)]:
    try:
        print(bad_args[0] % bad_args[1])
    except (TypeError, ValueError) as e:
        print(type(e).__name__, "->", e)
print(format(1234.5678, ",.2f"), format(0.25, ".0%"), format(42, "b"), format("s", "^5"))
print("{:.3}".format("abcdef"), "{:.2s}".format("xyz"), "{:c}".format(9731))
print(str.format("{}-{}", "static", "call"), "{0:{1}}".format(3.5, "08.2f"))
print(b"%s and %d" % (b"bytes", 5), "%.3s" % "truncate")
