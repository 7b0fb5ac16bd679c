# Exercises: yield from delegation, return values of subgenerators, send/throw forwarding and recursion.
def sub(label, n):
    for i in range(n):
        received = yield f"{label}{i}"
        if received is not None:
            print(f"  {label} received {received!r}")
    return f"{label} done ({n})"


def delegator():
    r1 = yield from sub("a", 2)
    print("  r1 =", r1)
    r2 = yield from sub("b", 3)
    print("  r2 =", r2)
    return [r1, r2]


print(list(delegator()))
d = delegator()
print(next(d), d.send("x"), d.send("y"), d.send("z"))
try:
    while True:
        d.send(None)
except StopIteration as e:
    print("final:", e.value)


def tree_walk(node, depth=0):
    name, children = node
    yield "  " * depth + name
    for child in children:
        yield from tree_walk(child, depth + 1)


tree = ("root", [("a", [("a1", []), ("a2", [])]), ("b", [("b1", [("deep", [])])])])
for line in tree_walk(tree):
    print(line)


def catcher():
    while True:
        try:
            yield "waiting"
        except KeyError as e:
            print("  inner caught", repr(e))
            return "inner handled"


def outer():
    result = yield from catcher()
    print("  outer got", result)
    yield "after"


o = outer()
print(next(o))
print(o.throw(KeyError("k")))


def chain(*iterables):
    for it in iterables:
        yield from it


print(list(chain("ab", [1, 2], range(3), {"k": 1})))


def gen_from_iter():
    result = yield from [1, 2, 3]
    return result


g = gen_from_iter()
print(list(g))


def flatten(x):
    if isinstance(x, (list, tuple)):
        for item in x:
            yield from flatten(item)
    else:
        yield x


print(list(flatten([1, (2, [3, [4]], 5), [[6]]])))
