# Exercises: heapq (push/pop/heapify/nlargest/nsmallest/merge, priority queue) and bisect (search/insort).
import bisect
import heapq

data = [9, 4, 7, 1, 8, 2, 6, 3, 5]
heap = []
for x in data:
    heapq.heappush(heap, x)
print(heap[0], [heapq.heappop(heap) for _ in range(4)], heap)
h2 = data[:]
heapq.heapify(h2)
print(h2, heapq.heappushpop(h2, 0), heapq.heapreplace(h2, 10), h2)
print(heapq.nlargest(3, data), heapq.nsmallest(3, data), heapq.nlargest(2, ["bb", "a", "ccc"], key=len))
print(list(heapq.merge([1, 4, 7], [2, 5, 8], [3, 6, 9])))
tasks = []
counter = 0
for prio, name in [(3, "low"), (1, "urgent"), (2, "normal"), (1, "also urgent")]:
    heapq.heappush(tasks, (prio, counter, name))
    counter += 1
while tasks:
    prio, _, name = heapq.heappop(tasks)
    print(f"  run {name} (prio {prio})")


def dijkstra(graph, start):
    dist = {start: 0}
    pq = [(0, start)]
    while pq:
        d, node = heapq.heappop(pq)
        if d > dist.get(node, float("inf")):
            continue
        for nxt, w in graph.get(node, []):
            nd = d + w
            if nd < dist.get(nxt, float("inf")):
                dist[nxt] = nd
                heapq.heappush(pq, (nd, nxt))
    return dict(sorted(dist.items()))


graph = {"A": [("B", 4), ("C", 1)], "C": [("B", 2), ("D", 7)], "B": [("D", 1)]}
print(dijkstra(graph, "A"))

scores = [10, 20, 20, 30, 40]
print(bisect.bisect_left(scores, 20), bisect.bisect_right(scores, 20), bisect.bisect(scores, 25))
print(bisect.bisect_left(scores, 5), bisect.bisect_right(scores, 99))


def grade(score, breakpoints=(60, 70, 80, 90), grades="FDCBA"):
    return grades[bisect.bisect(breakpoints, score)]


print([grade(s) for s in [33, 60, 75, 89, 90, 100]])
sorted_list = []
for v in [5, 1, 4, 1, 3]:
    bisect.insort(sorted_list, v)
    print("  insort", v, "->", sorted_list)
bisect.insort_left(sorted_list, 4)
print(sorted_list)
records = [("b", 2), ("d", 4), ("f", 6)]
print(bisect.bisect_left(records, 4, key=lambda r: r[1]))
bisect.insort(records, ("e", 5), key=lambda r: r[1])
print(records)
