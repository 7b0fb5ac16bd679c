# Exercises: __len__/__getitem__/__setitem__/__delitem__/__contains__/__iter__/__reversed__/__bool__.
class Grid:
    def __init__(self, width, height, fill="."):
        self.width = width
        self.height = height
        self.cells = [[fill] * width for _ in range(height)]

    def __len__(self):
        return self.width * self.height

    def __getitem__(self, pos):
        if isinstance(pos, int):
            return "".join(self.cells[pos])
        x, y = pos
        if not (0 <= x < self.width and 0 <= y < self.height):
            raise IndexError(f"cell {pos} out of range")
        return self.cells[y][x]

    def __setitem__(self, pos, value):
        x, y = pos
        self.cells[y][x] = value

    def __delitem__(self, pos):
        x, y = pos
        self.cells[y][x] = "."

    def __contains__(self, value):
        return any(value in row for row in self.cells)

    def __iter__(self):
        for row in self.cells:
            yield "".join(row)

    def __bool__(self):
        return any(c != "." for row in self.cells for c in row)


g = Grid(4, 3)
print(len(g), bool(g), "#" in g)
g[1, 1] = "#"
g[3, 2] = "@"
print(bool(g), "#" in g, g[1, 1], g[0])
for line in g:
    print(line)
del g[1, 1]
print(list(g), "#" in g)
try:
    g[9, 9]
except IndexError as e:
    print("IndexError:", e)


class Squares:
    """Old-style iteration protocol via __getitem__ only."""

    def __getitem__(self, i):
        if i >= 5:
            raise IndexError
        return i * i


print(list(Squares()), 9 in Squares(), 10 in Squares())


class Countdown:
    def __init__(self, n):
        self.n = n

    def __len__(self):
        return self.n

    def __getitem__(self, i):
        if i >= self.n:
            raise IndexError(i)
        return self.n - i

    def __reversed__(self):
        return iter(range(1, self.n + 1))


c = Countdown(4)
print(list(c), list(reversed(c)), bool(Countdown(0)), bool(c), sorted(c))


class Empty:
    def __len__(self):
        return 0


print(bool(Empty()), "empty" if not Empty() else "full")
try:
    len(type("X", (), {"__len__": lambda self: -1})())
except ValueError as e:
    print("ValueError:", e)
