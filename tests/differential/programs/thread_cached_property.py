# Exercises: functools.cached_property read by several threads (3.12 dropped its lock: each thread that finds it empty computes it), and a property computed once before the threads start.
import functools
import threading


class Config:
    computed = 0

    @functools.cached_property
    def value(self):
        Config.computed += 1
        return 42


early = Config()
early.value
seen = []
threads = [threading.Thread(target=lambda: seen.append(early.value)) for _ in range(4)]
for thread in threads:
    thread.start()
for thread in threads:
    thread.join()
print(seen, Config.computed)
late = Config()
barrier = threading.Barrier(3)


def read():
    barrier.wait()
    seen.append(late.value)


threads = [threading.Thread(target=read) for _ in range(3)]
for thread in threads:
    thread.start()
for thread in threads:
    thread.join()
print(seen[4:], "computed at least once more:", Config.computed >= 2, "value" in vars(late))
