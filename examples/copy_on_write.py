"""Copy-on-write from reference counts: a fork child that only *reads* its parent's objects
still copies the memory pages they lie on.

After fork() parent and child share every page until one of them writes to it; the first
write copies that 4 KiB page.  In CPython reading an object writes to it: its reference
count, in its header, goes up whenever the eval loop takes a reference (a loop's item, a
name loaded).  So iterating a list of inherited ints copies the pages of the ints; len() of
the list touches only the list; a big bytes object's buffer is never written by reading it.
A full gc.collect() writes the GC header of every tracked object, unless the parent moved
them into the permanent generation first with gc.freeze() (Instagram's pre-fork servers).

Each action runs in a fresh fork child, which reads its own /proc/self/smaps_rollup before
and after: the growth of Private_Dirty is what it copied.  The first pass over inherited
objects also pays for the page faults; the second does not.

    python examples/copy_on_write.py            # figures on stderr
    gilsim run examples/copy_on_write.py
"""

import gc
import os
import sys
import time

N = int(sys.argv[1]) if len(sys.argv) > 1 else 300_000
MIB = 1 << 20


def private_dirty():
    """Bytes of this process's pages that are its own and written (proc(5))."""
    with open("/proc/self/smaps_rollup") as f:
        for line in f:
            if line.startswith("Private_Dirty:"):
                return int(line.split()[1]) * 1024
    raise RuntimeError("no Private_Dirty in /proc/self/smaps_rollup")


def iterate(items):
    for item in items:
        pass


def in_child(what, action, size):
    """Run ``action`` in a fork child; say whether it copied the pages of ``size`` bytes of
    inherited data."""
    pid = os.fork()
    if pid == 0:
        before = private_dirty()
        action()
        copied = private_dirty() - before
        verdict = "copied their pages" if copied > size / 2 else "copied next to nothing"
        print(f"{what:<36} {verdict}")
        print(f"{what}: {copied / MIB:.2f} MiB", file=sys.stderr)
        sys.stdout.flush()
        sys.stderr.flush()
        os._exit(0)
    os.waitpid(pid, 0)


def two_passes():
    """Iterate the inherited ints twice: the first pass copies their pages."""
    start = time.perf_counter()
    iterate(ints)
    middle = time.perf_counter()
    iterate(ints)
    end = time.perf_counter()
    first, second = middle - start, end - middle
    print(f"{'first pass over the ints':<36} {'slower' if first > 2 * second else 'as fast'}")
    print(f"passes: {first * 1000:.2f} ms then {second * 1000:.2f} ms", file=sys.stderr)


if __name__ == "__main__":
    ints = [i + 1000 for i in range(N)]  # distinct int objects, 32 bytes each
    records = [(i, [i]) for i in range(N)]  # tuples that hold a list: tracked by the GC
    blob = b"x" * (64 * MIB)
    ints_size = N * 32
    in_child("len() of the list of ints", lambda: len(ints), ints_size)
    in_child("iterate the ints", lambda: iterate(ints), ints_size)
    in_child("iterate the records", lambda: iterate(records), N * 72)
    in_child("scan the 64 MiB bytes", lambda: blob.count(b"y"), 64 * MIB)
    in_child("gc.collect()", gc.collect, N * 72)
    in_child("iterate the ints twice", two_passes, ints_size)
    gc.freeze()  # what the GC tracks now is permanent: no collection scans it
    in_child("gc.collect() after gc.freeze()", gc.collect, N * 72)
    in_child("iterate the records after it", lambda: iterate(records), N * 72)
