# Exercises: threading.Thread with target/args, join(), per-thread result slots and Thread attributes.
import threading


def work(index, n, results):
    total = 0
    for i in range(n):
        total += i * i
    results[index] = total


results = [None] * 5
threads = [threading.Thread(target=work, args=(i, 1000 * (i + 1), results), name=f"worker-{i}") for i in range(5)]
print([t.name for t in threads], [t.is_alive() for t in threads])
for t in threads:
    t.start()
for t in threads:
    t.join()
print(results)
print([t.is_alive() for t in threads], threading.active_count())


class Summer(threading.Thread):
    def __init__(self, values):
        super().__init__()
        self.values = values
        self.result = None

    def run(self):
        self.result = sum(self.values)


summers = [Summer(range(k)) for k in (10, 100, 1000)]
for s in summers:
    s.start()
for s in summers:
    s.join()
print([s.result for s in summers])
print(threading.current_thread().name, threading.main_thread() is threading.current_thread())
t = threading.Thread(target=print, args=("printed from a thread",))
t.start()
t.join()
try:
    t.start()
except RuntimeError as e:
    print("RuntimeError:", e)
d = threading.Thread(target=lambda: None, daemon=True)
print(d.daemon, threading.Thread(target=len).daemon)
d.start()
d.join()
print("all threads done")
