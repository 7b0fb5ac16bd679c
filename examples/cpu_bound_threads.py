"""CPU-bound threads under the GIL: two threads take as long as doing the work in sequence.

Run it both ways and compare the timings on stderr:

    python3 examples/cpu_bound_threads.py
    gilsim run examples/cpu_bound_threads.py --cores 2

Only one thread runs Python bytecode at a time, whatever the number of cores; the threads
hand the GIL back and forth about every 5 ms (the switch interval), so the total time stays
about the same as running the two halves one after the other (docs/model/gil.md §7 item 4).
"""

import sys
import threading
import time

N = 400_000


def countdown(n):
    while n > 0:
        n -= 1


def sequential():
    start = time.perf_counter()
    countdown(N // 2)
    countdown(N // 2)
    return time.perf_counter() - start


def threaded(count):
    threads = [threading.Thread(target=countdown, args=(N // count,)) for _ in range(count)]
    start = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return time.perf_counter() - start


alone = sequential()
two = threaded(2)
four = threaded(4)
print(f"counted down {N} in sequence, with 2 threads and with 4 threads")
print(f"sequential   {alone * 1e3:7.1f} ms", file=sys.stderr)
print(f"2 threads    {two * 1e3:7.1f} ms  ({two / alone:.2f}x the sequential time)", file=sys.stderr)
print(f"4 threads    {four * 1e3:7.1f} ms  ({four / alone:.2f}x the sequential time)", file=sys.stderr)
