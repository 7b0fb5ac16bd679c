"""Several CPU-bound threads: the GIL goes to waiters in no fair order
(docs/model/gil.md section 7, item 11).

THREADS threads (default 4) spin for DURATION seconds, each reading time.perf_counter()
in a loop, counting its iterations and recording every gap of more than 100 us between
consecutive reads: a wait during which it did not hold the GIL.

Expected (spec section 7 item 11, CPython 3.11, 4 threads, 2 s, idle 2-core machine):
  ~185-190 hand-offs/s in total (the same as with 2 threads: the rate depends on the
  interval, not on the number of threads); off-GIL wait median 5.2-5.8 ms but p90
  40-42 ms (not the 15 ms a round-robin would give); CPU shares 21.4-28.5%, not an
  exact 25%.

usage: python four_spinners.py [DURATION_S=0.3] [SWITCH_INTERVAL_S=0.005] [THREADS=4]
"""

import json
import sys
import threading
import time

duration = float(sys.argv[1]) if len(sys.argv) > 1 else 0.3
interval = float(sys.argv[2]) if len(sys.argv) > 2 else 0.005
n_threads = int(sys.argv[3]) if len(sys.argv) > 3 else 4
sys.setswitchinterval(interval)

GAP = 100e-6  # a pause longer than this means the thread did not hold the GIL
go = threading.Event()
deadline = 0.0
gaps = [[] for _ in range(n_threads)]  # gaps[i]: the waits of thread i, in seconds
iterations = [0] * n_threads


def spin(index):
    my_gaps = gaps[index]
    count = 0
    go.wait()
    last = time.perf_counter()
    while True:
        now = time.perf_counter()
        if now >= deadline:
            break  # a wait that ends after the deadline is not counted
        if now - last > GAP:
            my_gaps.append(now - last)
        last = now
        count += 1
    iterations[index] = count


def percentile(values, p):
    values = sorted(values)
    if not values:
        return 0.0
    k = (len(values) - 1) * p / 100
    i = int(k)
    j = min(i + 1, len(values) - 1)
    return values[i] + (values[j] - values[i]) * (k - i)


threads = [threading.Thread(target=spin, args=(i,)) for i in range(n_threads)]
for thread in threads:
    thread.start()  # each waits for `go`, so none spins yet
deadline = time.perf_counter() + duration
go.set()
for thread in threads:
    thread.join()

all_gaps = [gap for thread_gaps in gaps for gap in thread_gaps]
total = sum(iterations)
result = {
    "handoffs_per_s": round(len(all_gaps) / duration, 1),
    "median_wait_ms": round(percentile(all_gaps, 50) * 1e3, 3),
    "p90_wait_ms": round(percentile(all_gaps, 90) * 1e3, 3),
    "regains": [len(thread_gaps) for thread_gaps in gaps],
    "share_pct": [round(100 * count / total, 1) for count in iterations],
}
print(json.dumps(result))
