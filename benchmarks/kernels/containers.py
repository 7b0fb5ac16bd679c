"""Kernel: building, indexing and sorting lists, dicts and sets, and comprehensions.

Exercises ``BUILD_*``/``LIST_APPEND``/``MAP_ADD``/``SET_ADD``, subscripting and slicing,
``sorted`` with a Python key function, and dict/set membership. Keys are ints or tuples, and
the checksum never depends on set or dict iteration order of strings, so the output does not
depend on the hash seed. Work is proportional to the size argument (``sys.argv[1]``, default
``DEFAULT_SIZE``). Prints a checksum only.
"""

import sys

DEFAULT_SIZE = 2000
BATCH = 500


def one_batch(seed: int) -> int:
    values = [(i * 7919 + seed) % 1009 for i in range(BATCH)]
    squares = {v: v * v for v in values}
    distinct = {v % 97 for v in values}
    pairs = [(v % 13, -v) for v in values if v & 1]
    pairs.sort()
    ranked = sorted(values, key=lambda v: (v % 10, v))
    window = ranked[BATCH // 4 : BATCH // 2]
    counts = {}
    for v in values:
        counts[v % 31] = counts.get(v % 31, 0) + 1
    hits = sum(1 for v in range(0, 1009, 3) if v in squares)
    return (
        sum(window)
        + len(distinct) * 3
        + pairs[0][1]
        + pairs[-1][1]
        + max(counts.values())
        + hits
        + squares[values[seed % BATCH]] % 1000
    )


def run(size: int) -> int:
    total = 0
    for seed in range(size):
        total = (total * 31 + one_batch(seed)) % 1_000_003
    return total


def main() -> None:
    size = int(sys.argv[1]) if len(sys.argv) > 1 else DEFAULT_SIZE
    print("containers", run(size))


if __name__ == "__main__":
    main()
