"""Kernel: instance attribute reads and writes, method calls and a small class hierarchy.

Exercises ``LOAD_ATTR``/``STORE_ATTR`` on instances, method lookup through base classes,
``super()`` calls, overridden methods, a property and a ``__slots__`` class. Work is
proportional to the size argument (``sys.argv[1]``, default ``DEFAULT_SIZE``). Prints a checksum
only.
"""

import sys

DEFAULT_SIZE = 1_200_000


class Body:
    """Base class: position, velocity and a step method the subclasses refine."""

    def __init__(self, x, y):
        self.x = x
        self.y = y
        self.vx = 1
        self.vy = -1
        self.moves = 0

    def step(self):
        self.x += self.vx
        self.y += self.vy
        self.moves += 1

    def weight(self):
        return 1

    @property
    def manhattan(self):
        return abs(self.x) + abs(self.y)


class Bouncer(Body):
    """Reverses direction at the walls; calls the base ``step`` through ``super()``."""

    def __init__(self, x, y, limit):
        super().__init__(x, y)
        self.limit = limit
        self.bounces = 0

    def step(self):
        super().step()
        if not -self.limit <= self.x <= self.limit:
            self.vx = -self.vx
            self.bounces += 1
        if not -self.limit <= self.y <= self.limit:
            self.vy = -self.vy
            self.bounces += 1

    def weight(self):
        return 2 + self.bounces % 3


class Spinner(Body):
    """Rotates its velocity every few steps."""

    def step(self):
        Body.step(self)
        if self.moves % 4 == 0:
            self.vx, self.vy = -self.vy, self.vx


class Tally:
    """A ``__slots__`` accumulator updated through method calls."""

    __slots__ = ("count", "total")

    def __init__(self):
        self.count = 0
        self.total = 0

    def add(self, body):
        self.count += 1
        self.total = (self.total + body.manhattan * body.weight()) % 1_000_003


def run(size: int) -> int:
    bodies = [Bouncer(i, -i, 50 + i) for i in range(4)] + [Spinner(i, i) for i in range(4)]
    tally = Tally()
    for _ in range(size // len(bodies)):
        for body in bodies:
            body.step()
            tally.add(body)
    return tally.total + tally.count + sum(b.moves for b in bodies)


def main() -> None:
    size = int(sys.argv[1]) if len(sys.argv) > 1 else DEFAULT_SIZE
    print("attributes", run(size))


if __name__ == "__main__":
    main()
