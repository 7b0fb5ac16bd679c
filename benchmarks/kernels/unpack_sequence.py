"""Kernel: sequence unpacking, the shape of pyperformance's ``bm_unpack_sequence``.

Measures ``UNPACK_SEQUENCE`` and ``STORE_FAST``: a loop whose body unpacks a ten-item tuple
(then a list) into ten locals 400 times in straight-line code, so that the loop's own jumps
are rare among the instructions.  pyperformance writes the 400 statements out; here they are
generated once (``make_unpacker``) to keep the file short.  Work is proportional to the size
argument (``sys.argv[1]``, default ``DEFAULT_SIZE``).  Prints a checksum only.
"""

import sys

DEFAULT_SIZE = 30_000
UNPACKINGS = 400


def make_unpacker():
    """``do_unpacking(loops, to_unpack)`` as pyperformance writes it: ``UNPACKINGS``
    unpackings per pass of the loop."""
    body = "        a, b, c, d, e, f, g, h, i, j = to_unpack\n" * UNPACKINGS
    source = (
        "def do_unpacking(loops, to_unpack):\n"
        "    total = 0\n"
        "    for _ in range(loops):\n"
        f"{body}"
        "        total += a + j\n"
        "    return total\n"
    )
    namespace = {}
    exec(compile(source, "<unpack_sequence>", "exec"), namespace)
    return namespace["do_unpacking"]


def main() -> None:
    size = int(sys.argv[1]) if len(sys.argv) > 1 else DEFAULT_SIZE
    do_unpacking = make_unpacker()
    tuples = do_unpacking(size, tuple(range(10)))
    lists = do_unpacking(size, list(range(10)))
    print("unpack_sequence", tuples, lists)


if __name__ == "__main__":
    main()
