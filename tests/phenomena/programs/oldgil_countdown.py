"""Beazley's countdown under the old GIL (docs/model/gil.md section 3.2 and section 7, item 5).

`while n > 0: n -= 1` for N, then by two threads of N/2 each.  Runs unchanged under
Python 2.7 (the old GIL) and under gilsim --gil old.  With the old GIL the two threads
fight over the lock every 100 ticks: on 2 cores the threaded run is slower than the
sequential one (2.7 on the spec's VM: 1.43-1.85x), on 1 core about as fast (1.03x).

usage: python oldgil_countdown.py [N=300000]
"""

import json
import sys
import threading
import time

clock = getattr(time, "perf_counter", time.time)
n_total = int(sys.argv[1]) if len(sys.argv) > 1 else 300000


def count(n):
    while n > 0:
        n -= 1


start = clock()
count(n_total)
sequential = clock() - start

start = clock()
threads = [threading.Thread(target=count, args=(n_total // 2,)) for _ in range(2)]
for thread in threads:
    thread.start()
for thread in threads:
    thread.join()
threaded = clock() - start

result = {
    "sequential_s": round(sequential, 4),
    "threaded_s": round(threaded, 4),
    "ratio": round(threaded / sequential, 3),
}
print(json.dumps(result))
