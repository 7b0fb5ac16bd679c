# Exercises: the simplest module body, print() basics and arithmetic.
print("Hello, world!")
print(1 + 2, 3 * 4, 7 / 2, 7 // 2, 7 % 3, 2 ** 10, -7 // 2, -7 % 3)
print(divmod(17, 5), divmod(-17, 5), abs(-3.5), round(2.675, 2), round(7.5), round(8.5))
print(0.1 + 0.2, 1e300 * 1e10, -1e300 * 1e10, 10 ** 20, 2 ** 100)
print(True + True, int("42"), float("3.25"), str(12) + "ab", "ab" * 3)
print(int("ff", 16), hex(255), oct(8), bin(10), chr(65), ord("z"))
x = 10
y = x
x += 5
print("x =", x, "y =", y)
name = "gilsim"
print(f"{name} has {len(name)} letters, upper={name.upper()}")
print(3 < 5 < 7, 3 < 5 > 7, 1 == 1.0, "a" < "b", [1, 2] < [1, 3], (1, 2) == (1, 2))
print(not 0, not "", 0 or "default", "first" and "second", None is None)
print(max(3, 9, 2), min([4, 1, 8]), sum(range(101)), sorted("banana"))
print(type(1), type(1.0), type("s"), type(None), type([]), type(print))
print(isinstance(True, int), issubclass(bool, int), callable(len))
print(1_000_000, 0b1010, 0o17, 0xFF, 1j * 1j, complex(1, 2).conjugate())
