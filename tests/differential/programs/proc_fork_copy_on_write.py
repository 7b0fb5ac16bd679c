# A fork child that only reads what it inherited still copies the pages: every reference
# the eval loop takes writes the object's refcount.  Loops, comprehensions, attribute and
# item loads, unpacking and calls all take references; len() of a list does not touch its
# items, and a bytes object's buffer is never written by reading it.
import os
import sys


def private_dirty():
    with open("/proc/self/smaps_rollup") as f:
        for line in f:
            if line.startswith("Private_Dirty:"):
                return int(line.split()[1]) * 1024
    return 0


class Point:
    def __init__(self, x, y):
        self.x = x
        self.y = y


def in_child(what, action, size):
    sys.stdout.flush()
    pid = os.fork()
    if pid == 0:
        before = private_dirty()
        result = action()
        copied = private_dirty() - before
        print(what, result, "copied" if copied > size / 2 else "shared")
        sys.stdout.flush()
        os._exit(0)
    os.waitpid(pid, 0)


def total(items):
    n = 0
    for item in items:
        n += 1
    return n


N = 20_000
ints = [i + 1000 for i in range(N)]
points = [Point(i, -i) for i in range(N)]
pairs = [(str(i), i) for i in range(N)]
table = {i: i + 1 for i in range(1000, 1000 + N)}
blob = bytes(4 << 20)

in_child("len", lambda: len(ints), N * 32)
in_child("loop", lambda: total(ints), N * 32)
in_child("comprehension", lambda: len([i for i in ints]), N * 32)
in_child("attributes", lambda: sum(p.x for p in points), N * 48)
in_child("unpacking", lambda: len({k for k, _v in pairs}), N * 64)
in_child("items", lambda: sum(ints[i] for i in range(0, N)), N * 32)
in_child("values", lambda: sum(table[k] for k in range(1000, 1000 + N)), N * 32)
in_child("bytes", lambda: blob.count(1), 4 << 20)
