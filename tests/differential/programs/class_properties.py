# Exercises: property getter/setter/deleter, read-only properties, validation and property().
class Temperature:
    def __init__(self, celsius=0.0):
        self._celsius = None
        self.celsius = celsius

    @property
    def celsius(self):
        """Temperature in Celsius."""
        return self._celsius

    @celsius.setter
    def celsius(self, value):
        if value < -273.15:
            raise ValueError(f"{value} is below absolute zero")
        self._celsius = float(value)

    @celsius.deleter
    def celsius(self):
        print("deleting celsius")
        self._celsius = None

    @property
    def fahrenheit(self):
        return self._celsius * 9 / 5 + 32

    @fahrenheit.setter
    def fahrenheit(self, value):
        self.celsius = (value - 32) * 5 / 9


t = Temperature(25)
print(t.celsius, t.fahrenheit)
t.fahrenheit = 212
print(t.celsius, t.fahrenheit)
try:
    t.celsius = -300
except ValueError as e:
    print("ValueError:", e)
del t.celsius
print(t.celsius)
print(Temperature.celsius.__doc__, type(Temperature.celsius).__name__)


class Circle:
    def __init__(self, r):
        self.r = r

    @property
    def area(self):
        return round(3.14159 * self.r ** 2, 3)


c = Circle(2)
print(c.area)
try:
    c.area = 5
except AttributeError as e:
    print("AttributeError:", e)
try:
    del c.area
except AttributeError as e:
    print("AttributeError:", e)


class Legacy:
    def _get(self):
        return self._x * 10

    def _set(self, v):
        self._x = v

    x = property(_get, _set, None, "old style property")


obj = Legacy()
obj.x = 4
print(obj.x, Legacy.x.__doc__, Legacy.x.fget.__name__, Legacy.x.fdel)
