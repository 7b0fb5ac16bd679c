# Exercises: queue.Queue producer/consumer threads, task_done/join, sentinel shutdown and sorted results.
import queue
import threading

tasks = queue.Queue()
results = queue.Queue()


def worker(worker_id):
    while True:
        item = tasks.get()
        if item is None:
            tasks.task_done()
            break
        results.put((item, item ** 2))
        tasks.task_done()


workers = [threading.Thread(target=worker, args=(i,)) for i in range(3)]
for w in workers:
    w.start()
for n in range(20):
    tasks.put(n)
tasks.join()
print("all tasks processed, queue empty:", tasks.empty())
for _ in workers:
    tasks.put(None)
for w in workers:
    w.join()
collected = []
while not results.empty():
    collected.append(results.get())
collected.sort()
print(len(collected), collected[:5], collected[-2:])
print("sum of squares:", sum(sq for _, sq in collected))
lifo = queue.LifoQueue()
prio = queue.PriorityQueue()
for x in [3, 1, 2]:
    lifo.put(x)
    prio.put((x, f"job{x}"))
print([lifo.get() for _ in range(3)], [prio.get() for _ in range(3)])
bounded = queue.Queue(maxsize=1)
bounded.put("only")
try:
    bounded.put("overflow", block=False)
except queue.Full:
    print("queue.Full raised")
print(bounded.get(), bounded.qsize())
try:
    bounded.get_nowait()
except queue.Empty:
    print("queue.Empty raised")
