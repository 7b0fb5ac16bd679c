"""Two CPU-bound threads take turns with the GIL (docs/model/gil.md section 7, items 2 and 3).

Two threads spin for DURATION seconds, each reading time.perf_counter() in a loop and
recording every gap of more than 100 us between consecutive reads: a period it did not
hold the GIL. Each gap is one forced hand-off away from that thread.

Expected on an idle 2-core machine (spec section 8.1, CPython 3.11, 2 s runs):
  interval 5 ms:  ~198-200 hand-offs/s in total, median gap 5.12-5.15 ms, p90 5.18-5.22 ms
  1 / 2 / 10 / 20 ms: ~914 / 474 / 102 / 57 hand-offs/s,
                      median gap 1.09 / 2.10 / 10.14 / 20.16 ms
i.e. rate ~ 1 / (interval + ~0.1-0.15 ms).

Run with the whole process on one core (`taskset -c 0 python two_spinners.py 2`) it
reproduces item 14: the gaps are rounded up to the OS tick (8.03 ms, 126/s measured).

usage: python two_spinners.py [DURATION_S=0.2] [SWITCH_INTERVAL_S=0.005]
"""

import json
import sys
import threading
import time

duration = float(sys.argv[1]) if len(sys.argv) > 1 else 0.2
interval = float(sys.argv[2]) if len(sys.argv) > 2 else 0.005
sys.setswitchinterval(interval)

GAP = 100e-6  # a pause longer than this means the thread did not hold the GIL
go = threading.Event()
deadline = 0.0
gaps = [[], []]  # gaps[i]: the gaps seen by thread i, in seconds


def spin(my_gaps):
    go.wait()
    last = time.perf_counter()
    while True:
        now = time.perf_counter()
        if now >= deadline:
            break  # a gap that ends after the deadline is not counted
        if now - last > GAP:
            my_gaps.append(now - last)
        last = now


def percentile(values, p):
    values = sorted(values)
    if not values:
        return 0.0
    k = (len(values) - 1) * p / 100
    i = int(k)
    j = min(i + 1, len(values) - 1)
    return values[i] + (values[j] - values[i]) * (k - i)


threads = [threading.Thread(target=spin, args=(g,)) for g in gaps]
for thread in threads:
    thread.start()  # each waits for `go`, so neither spins yet
deadline = time.perf_counter() + duration
go.set()
for thread in threads:
    thread.join()

all_gaps = gaps[0] + gaps[1]
result = {
    "handoffs_per_s": round(len(all_gaps) / duration, 1),
    "median_gap_ms": round(percentile(all_gaps, 50) * 1e3, 3),
    "p90_gap_ms": round(percentile(all_gaps, 90) * 1e3, 3),
    "gaps": len(all_gaps),
}
print(json.dumps(result))
