"""Kernel: many small Python function calls, the cost of frame creation and argument binding.

Exercises plain (not method) calls with positional, keyword and default arguments,
``*args``/``**kwargs`` forwarding, closures with ``nonlocal`` state, and recursion. Each helper
does almost no work, so the call machinery dominates. Work is proportional to the size argument
(``sys.argv[1]``, default ``DEFAULT_SIZE``). Prints a checksum only.
"""

import sys

DEFAULT_SIZE = 900_000


def add(a, b):
    return a + b


def scale(value, factor=3, offset=0):
    return value * factor + offset


def clamp(value, *, low=0, high=1 << 20):
    if value < low:
        return low
    return high if value > high else value


def forward(*args, **kwargs):
    return scale(*args, **kwargs)


def make_counter(step):
    count = 0

    def bump(times=1):
        nonlocal count
        count += step * times
        return count

    return bump


def fib(n):
    return n if n < 2 else fib(n - 1) + fib(n - 2)


def run(size: int) -> int:
    total = 0
    bump = make_counter(2)
    for i in range(size):
        total = add(total, scale(i))
        total = add(total, scale(i, 5, offset=1))
        total = clamp(total % 1_000_003, low=10)
        total += forward(i, factor=2)
        bump()
        bump(times=i & 3)
        if i % 500 == 0:
            total += fib(12)
    return total + bump(0)


def main() -> None:
    size = int(sys.argv[1]) if len(sys.argv) > 1 else DEFAULT_SIZE
    print("calls", run(size))


if __name__ == "__main__":
    main()
