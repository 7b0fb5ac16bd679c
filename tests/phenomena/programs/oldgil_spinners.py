"""Two CPU-bound threads under the old GIL (docs/model/gil.md section 7, items 5 and 14).

Two threads spin for DURATION seconds, each reading the clock in a loop and recording
every gap of more than 100 us between consecutive reads: a period it did not hold the
GIL (the method of spec section 8).  Runs unchanged under Python 2.7 and under
gilsim --gil old.

Expected (2.7.18, spec section 8.1): 2,527-3,168 hand-offs/s on 2 idle cores, median gap
0.15-0.17 ms; on one core 252/s with a median gap of 4.00 ms (the OS tick).

usage: python oldgil_spinners.py [DURATION_S=0.05]
"""

import json
import sys
import threading
import time

clock = getattr(time, "perf_counter", time.time)
duration = float(sys.argv[1]) if len(sys.argv) > 1 else 0.05

GAP = 100e-6
go = threading.Event()
deadline = [0.0]
gaps = [[], []]


def spin(my_gaps):
    go.wait()
    last = clock()
    end = deadline[0]
    while True:
        now = clock()
        if now >= end:
            break
        if now - last > GAP:
            my_gaps.append(now - last)
        last = now


def percentile(values, p):
    values = sorted(values)
    if not values:
        return 0.0
    k = (len(values) - 1) * p / 100.0
    i = int(k)
    j = min(i + 1, len(values) - 1)
    return values[i] + (values[j] - values[i]) * (k - i)


threads = [threading.Thread(target=spin, args=(g,)) for g in gaps]
for thread in threads:
    thread.start()
deadline[0] = clock() + duration
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
