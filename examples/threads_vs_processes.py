"""The same CPU-bound work, split in two: in two threads it takes as long as sequentially
(one GIL), in two fork processes about half as long (two GILs, two cores), in two spawn
processes half as long plus a fresh interpreter's start-up each (docs/model/processes.md §3.5).

    python3 examples/threads_vs_processes.py
    gilsim run examples/threads_vs_processes.py
    gilsim render -o threads_vs_processes.png examples/threads_vs_processes.py

Standard output shows that every way computes the same sum; the times and speed-ups go to
standard error (gilsim's are virtual, on its 2-core machine).  A start method's first use
loads its machinery, which takes longer than this job (fork's popen_fork and util, which
imports subprocess; Array's sharedctypes, which imports ctypes; spawn's resource tracker):
each is used once before anything is timed, as a long-running program would have.
"""

import multiprocessing as mp
import sys
import threading
import time

N = int(sys.argv[1]) if len(sys.argv) > 1 else 600_000


def work(start, stop, results, slot):
    total = 0
    for i in range(start, stop):
        total += i * i
    results[slot] = total


def sequential():
    results = [0]
    work(0, N, results, 0)
    return results[0]


def threads():
    results = [0, 0]
    halves = [threading.Thread(target=work, args=(0, N // 2, results, 0)),
              threading.Thread(target=work, args=(N // 2, N, results, 1))]
    for t in halves:
        t.start()
    for t in halves:
        t.join()
    return sum(results)


def processes(method, n=N):
    ctx = mp.get_context(method)
    results = ctx.Array("q", 2, lock=False)  # shared memory: each child writes its slot
    halves = [ctx.Process(target=work, args=(0, n // 2, results, 0)),
              ctx.Process(target=work, args=(n // 2, n, results, 1))]
    for p in halves:
        p.start()
    for p in halves:
        p.join()
    return sum(results)


if __name__ == "__main__":
    ways = [("sequential", sequential), ("2 threads", threads),
            ("2 fork processes", lambda: processes("fork")),
            ("2 spawn processes", lambda: processes("spawn"))]
    for method in ("fork", "spawn"):
        processes(method, 2)  # load the machinery, untimed
    times = {}
    for name, way in ways:
        start = time.perf_counter()
        total = way()
        times[name] = time.perf_counter() - start
        print(f"{name}: sum of squares below {N} = {total}")
    for name, seconds in times.items():
        speedup = times["sequential"] / seconds
        print(f"{name:>18}: {seconds * 1e3:7.1f} ms, {speedup:.2f}x", file=sys.stderr)
