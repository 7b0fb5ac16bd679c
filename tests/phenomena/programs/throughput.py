"""CPU-bound work split over two threads is no faster than doing it in one
(docs/model/gil.md section 7, item 4).

Beazley's countdown `while n > 0: n -= 1` is run once for N, then by two threads of N/2
each. Only one thread can hold the GIL at a time, so the threaded run takes about as
long as the sequential one: no speed-up and, with the 3.2+ GIL, no big penalty either.

Expected (spec section 8.1, CPython 3.11, N = 4*10**7, idle 2-core machine):
threaded/sequential = 0.93 (1.14 s vs 1.06 s); 0.96 with the process pinned to 1 core.

usage: python throughput.py [N=3000000] [SWITCH_INTERVAL_S=0.005]
"""

import json
import sys
import threading
import time

n_total = int(sys.argv[1]) if len(sys.argv) > 1 else 3_000_000
interval = float(sys.argv[2]) if len(sys.argv) > 2 else 0.005
sys.setswitchinterval(interval)


def count(n):
    while n > 0:
        n -= 1


start = time.perf_counter()
count(n_total)
sequential = time.perf_counter() - start

start = time.perf_counter()
threads = [threading.Thread(target=count, args=(n_total // 2,)) for _ in range(2)]
for thread in threads:
    thread.start()
for thread in threads:
    thread.join()
threaded = time.perf_counter() - start

result = {
    "sequential_s": round(sequential, 4),
    "threaded_s": round(threaded, 4),
    "ratio": round(threaded / sequential, 3),
}
print(json.dumps(result))
