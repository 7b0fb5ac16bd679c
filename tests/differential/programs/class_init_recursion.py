# Exercises: recursion through class calls (type_call's C level and __init__'s frame both count against the limit), and which check's message trips.
import sys

depth = 0


class Node:
    def __init__(self, n):
        global depth
        depth += 1
        if n:
            self.child = Node(n - 1)


def via_function(n):
    return Node(n)


def plain(n):
    global depth
    depth += 1
    return plain(n - 1) if n else 0


for label, start in (("module", lambda: Node(5000)), ("function", lambda: via_function(5000)),
                     ("plain", lambda: plain(5000))):
    depth = 0
    try:
        start()
    except RecursionError as exc:
        print(label, depth, exc)
sys.setrecursionlimit(200)
depth = 0
try:
    Node(1000)
except RecursionError as exc:
    print("limit 200", depth, exc)
