"""The same CPU-bound sum, split in two: two threads take as long as one (they share one
GIL), two forked processes about half as long (a GIL each, a core each).  Each child is a
copy of the parent made by ``os.fork()``; it sends its half over a pipe and exits.

    python3 examples/threads_vs_forks.py
    gilsim run examples/threads_vs_forks.py

Standard output shows that every way computes the same sum; the times and speed-ups go to
standard error (gilsim's are virtual, on its 2-core machine).  Unlike
``threads_vs_processes.py`` it uses no spawn start method, so gilsim runs it on Python
3.12 and 3.13 as well as 3.11.
"""

import os
import sys
import threading
import time

N = int(sys.argv[1]) if len(sys.argv) > 1 else 600_000


def work(start, stop):
    total = 0
    for i in range(start, stop):
        total += i * i
    return total


def sequential():
    return work(0, N)


def two_threads():
    results = [0, 0]

    def half(slot, start, stop):
        results[slot] = work(start, stop)

    threads = [
        threading.Thread(target=half, args=(0, 0, N // 2)),
        threading.Thread(target=half, args=(1, N // 2, N)),
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return sum(results)


def two_forks():
    sys.stdout.flush()  # (a child would otherwise print the parent's unwritten output too)
    readers = []
    for start, stop in ((0, N // 2), (N // 2, N)):
        r, w = os.pipe()
        if os.fork() == 0:  # the child: a copy of this process, this function included
            os.close(r)
            os.write(w, str(work(start, stop)).encode())
            os._exit(0)
        os.close(w)
        readers.append(r)
    total = 0
    for r in readers:
        total += int(os.read(r, 100))
        os.close(r)
    for _ in readers:
        os.wait()
    return total


if __name__ == "__main__":
    timings = []
    for name, way in (("sequential", sequential), ("2 threads", two_threads),
                      ("2 fork processes", two_forks)):  # fmt: skip
        began = time.perf_counter()
        total = way()
        timings.append((name, time.perf_counter() - began))
        print(f"{name}: sum of squares below {N} = {total}")
    base = timings[0][1]
    for name, seconds in timings:
        print(f"{name:>18}: {seconds * 1000:7.1f} ms, {base / seconds:.2f}x", file=sys.stderr)
