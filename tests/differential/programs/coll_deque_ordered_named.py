# Exercises: collections.deque (rotate/maxlen/appendleft), OrderedDict (move_to_end/popitem) and namedtuple.
from collections import OrderedDict, deque, namedtuple, ChainMap

dq = deque([1, 2, 3])
dq.append(4)
dq.appendleft(0)
dq.extend([5, 6])
dq.extendleft([-1, -2])
print(dq, dq[0], dq[-1], len(dq))
dq.rotate(2)
print(dq)
dq.rotate(-3)
print(dq, dq.pop(), dq.popleft(), dq)
recent = deque(maxlen=3)
for i in range(6):
    recent.append(i)
    print("  window", list(recent))
print(recent, recent.maxlen, deque("abc").index("c"), deque([1, 2, 1]).count(1))
try:
    deque().pop()
except IndexError as e:
    print("IndexError:", e)


def bfs(graph, start):
    seen, order, queue = {start}, [], deque([start])
    while queue:
        node = queue.popleft()
        order.append(node)
        for nxt in graph[node]:
            if nxt not in seen:
                seen.add(nxt)
                queue.append(nxt)
    return order


graph = {"a": ["b", "c"], "b": ["d"], "c": ["d", "e"], "d": ["f"], "e": ["f"], "f": []}
print(bfs(graph, "a"))

od = OrderedDict()
od["x"] = 1
od["y"] = 2
od["z"] = 3
od.move_to_end("x")
print(od, list(od))
od.move_to_end("z", last=False)
print(od.popitem(), od.popitem(last=False), od)
print(OrderedDict(a=1, b=2) == OrderedDict(b=2, a=1), dict(a=1, b=2) == dict(b=2, a=1))

Point = namedtuple("Point", ["x", "y"])
Person = namedtuple("Person", "name age city", defaults=["unknown"])
p = Point(3, 4)
print(p, p.x, p[1], p._asdict(), p._replace(y=10), Point._fields, Point._make([7, 8]))
x, y = p
print(x + y, p == (3, 4), isinstance(p, tuple), len(p), Person("ann", 30))
print(Person._field_defaults, sorted([Point(2, 1), Point(1, 5), Point(1, 2)]))
try:
    Point(1)
except TypeError as e:
    print("TypeError:", e)
try:
    p.x = 5
except AttributeError as e:
    print("AttributeError:", e)


class Vec(namedtuple("Vec", "dx dy")):
    __slots__ = ()

    def length(self):
        return (self.dx ** 2 + self.dy ** 2) ** 0.5


print(Vec(3, 4).length(), Vec(1, 2))
cm = ChainMap({"color": "red"}, {"color": "blue", "size": "L"})
print(cm["color"], cm["size"], sorted(cm), cm.maps[1]["color"], len(cm))
