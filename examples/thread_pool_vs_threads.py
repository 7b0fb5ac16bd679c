"""A thread pool against a thread per task (docs/model/gil.md §4, §7 item 9).

    python3 examples/thread_pool_vs_threads.py
    gilsim run examples/thread_pool_vs_threads.py

Forty small CPU-bound tasks, run two ways: one new thread per task, all started at once, or
a ThreadPoolExecutor with four workers.  Starting a thread while others hold the GIL is not
free: `Thread.start()` waits for the new thread to signal that it runs, and both the new
thread and the starter must win the GIL from busy threads, each paying up to a switch
interval (5 ms).  The pool pays that only for its four workers; after that, a task goes
through a queue to an idle worker.  Neither is faster than doing the work in one thread:
the GIL lets one thread run at a time.
"""

import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor

TASKS = 40
WORK = 2_000


def task(n):
    total = 0
    for i in range(WORK):
        total += i % 7
    return n, total


def one_thread_per_task():
    results = [None] * TASKS

    def run(n):
        results[n] = task(n)

    threads = [threading.Thread(target=run, args=(n,)) for n in range(TASKS)]
    start = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return results, time.perf_counter() - start


def pool_of_four():
    start = time.perf_counter()
    with ThreadPoolExecutor(max_workers=4) as pool:
        results = list(pool.map(task, range(TASKS)))
    return results, time.perf_counter() - start


def in_one_thread():
    start = time.perf_counter()
    results = [task(n) for n in range(TASKS)]
    return results, time.perf_counter() - start


expected, alone = in_one_thread()
per_task, threads_time = one_thread_per_task()
pooled, pool_time = pool_of_four()
print(f"{TASKS} tasks: one thread per task {'agrees' if per_task == expected else 'differs'}; "
      f"a pool of 4 {'agrees' if pooled == expected else 'differs'}")
print(f"one thread:           {alone * 1e3:7.2f} ms", file=sys.stderr)
print(f"a thread per task:    {threads_time * 1e3:7.2f} ms", file=sys.stderr)
print(f"a pool of 4 workers:  {pool_time * 1e3:7.2f} ms", file=sys.stderr)
