"""Kernel: generator pipelines, ``yield from`` and generator expressions consumed by ``sum()``.

Every value passes through several suspended frames, so generator resumption (``SEND``,
``YIELD_VALUE``, ``FOR_ITER`` over generators, ``StopIteration`` handling) dominates. ``sum()``
is a C function driving Python generators, which interleaves native and simulated frames.
Work is proportional to the size argument (``sys.argv[1]``, default ``DEFAULT_SIZE``). Prints a
checksum only.
"""

import sys

DEFAULT_SIZE = 4_000_000


def numbers(limit):
    n = 0
    while n < limit:
        yield n
        n += 1


def evens_squared(source):
    for n in source:
        if n % 2 == 0:
            yield n * n


def chunked(source, size):
    chunk = []
    for item in source:
        chunk.append(item)
        if len(chunk) == size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


def flatten(chunks):
    for chunk in chunks:
        yield from chunk


def tree(depth):
    """A recursive generator: ``yield from`` chains ``depth`` frames deep."""
    if depth:
        yield from tree(depth - 1)
        yield depth
        yield from tree(depth - 1)


def run(size: int) -> int:
    pipeline = flatten(chunked(evens_squared(numbers(size)), 16))
    total = sum(x % 1000 for x in pipeline)
    for _ in range(max(1, size // 8192)):
        total += sum(x for x in tree(10))
    total += sum(i * i for i in range(size // 4) if i % 3)
    return total


def main() -> None:
    size = int(sys.argv[1]) if len(sys.argv) > 1 else DEFAULT_SIZE
    print("generators", run(size))


if __name__ == "__main__":
    main()
