"""One workload under every GIL: Beazley's countdown, sequentially and in two threads.

    python3 examples/gil_variants.py
    gilsim run examples/gil_variants.py --gil new
    gilsim run examples/gil_variants.py --gil old
    gilsim run examples/gil_variants.py --gil free-threaded
    gilsim run examples/gil_variants.py --gil none

The work is ``while n > 0: n -= 1`` (D. Beazley, "Understanding the Python GIL", PyCon
2010), done once in sequence and once split over two threads.  Standard output says what
was done, the same under every GIL; standard error has the two times and their ratio:

* the new GIL (CPython 3.2 to 3.13): two threads take as long as one doing it all;
* the old GIL (Python 2, up to 3.1): two threads on two cores take longer, the "GIL battle"
  of a holder that releases every 100 ticks and wins the lock straight back;
* free-threaded (PEP 703, 3.13t): two threads on two cores take about half as long, after a
  few per cent more for one thread;
* no lock at all: as fast, and every reference count of a shared object is a race.

(docs/model/gil.md §3.2, §7 items 4, 5 and 16.)
"""

import sys
import threading
import time

N = 400_000


def countdown(n):
    while n > 0:
        n -= 1


def timed(work):
    start = time.perf_counter()
    work()
    return time.perf_counter() - start


def sequential():
    countdown(N)


def two_threads():
    halves = [threading.Thread(target=countdown, args=(N // 2,)) for _ in range(2)]
    for t in halves:
        t.start()
    for t in halves:
        t.join()


alone = timed(sequential)
threaded = timed(two_threads)
print(f"counted down from {N} once in sequence and once in two threads of {N // 2}")
print(f"sequential: {alone * 1e3:.1f} ms", file=sys.stderr)
print(f"2 threads:  {threaded * 1e3:.1f} ms ({threaded / alone:.2f}x the time)", file=sys.stderr)
