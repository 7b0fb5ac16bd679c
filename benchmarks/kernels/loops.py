"""Kernel: nested integer loops and arithmetic, the interpreter's innermost dispatch path.

Measures plain bytecode dispatch: ``for``/``while`` loops over ``range``, local variable
loads and stores, integer arithmetic, comparisons and branches, with no calls in the hot path.
Work is proportional to the size argument (``sys.argv[1]``, default ``DEFAULT_SIZE``).
Prints a checksum only; timing is done from outside the process.
"""

import sys

DEFAULT_SIZE = 20_000
INNER = 200
MODULUS = 1_000_003


def mix_rows(rows: int) -> int:
    """Nested ``for`` loops with multiply, xor, shift and modulo on small ints."""
    total = 0
    for i in range(rows):
        row = i * 7 + 3
        for j in range(INNER):
            value = (row * j) ^ (i + j)
            if value & 1:
                total += value >> 2
            else:
                total -= value % 11
        total %= MODULUS
    return total


def collatz_steps(limit: int) -> int:
    """A ``while`` loop with data-dependent branching."""
    steps = 0
    for start in range(1, limit + 1):
        n = start
        while n != 1:
            n = n // 2 if n % 2 == 0 else 3 * n + 1
            steps += 1
    return steps


def main() -> None:
    size = int(sys.argv[1]) if len(sys.argv) > 1 else DEFAULT_SIZE
    print("loops", mix_rows(size), collatz_steps(size * 3))


if __name__ == "__main__":
    main()
