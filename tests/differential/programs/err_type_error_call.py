# Exercises: an uncaught TypeError from a bad call inside a method invoked via map() (native code calling Python).
class Formatter:
    def __init__(self, width):
        self.width = width

    def fmt(self, value):
        return f"{value:>{self.width}}"

    def fmt_all(self, values):
        return list(map(self.fmt, values))


f = Formatter(6)
print(f.fmt_all([1, 22, 333]))
print(f.fmt_all([4, "five", None, {"six": 6}]))
