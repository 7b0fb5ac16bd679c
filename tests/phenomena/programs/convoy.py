"""The convoy effect, bpo-7946 (docs/model/gil.md section 7, item 7).

An I/O thread (here the main thread) does M operations that really block: sleeps of
200 us. Alone, each takes about 0.28 ms. Next to one CPU-bound thread it pays about one
switch interval per operation: the sleep releases the GIL, the CPU thread takes it, and
when the sleep ends the I/O thread must wait for a forced switch to get the GIL back.

Expected (spec section 8.2, CPython 3.11): 0.28 ms/op alone; with the CPU thread
5.49 ms/op at 5 ms (~20x), 1.35 ms/op at 1 ms, 20.4 ms/op at 20 ms.

usage: python convoy.py [M=40] [SWITCH_INTERVAL_S=0.005]
"""

import json
import sys
import threading
import time

m = int(sys.argv[1]) if len(sys.argv) > 1 else 40
interval = float(sys.argv[2]) if len(sys.argv) > 2 else 0.005
sys.setswitchinterval(interval)

SLEEP = 200e-6
spinning = True


def io_ops(m):
    """Seconds per operation for m sleeps of 200 us."""
    start = time.perf_counter()
    for _ in range(m):
        time.sleep(SLEEP)
    return (time.perf_counter() - start) / m


def cpu_bound():
    x = 0
    while spinning:
        x += 1


alone = io_ops(m)

cpu = threading.Thread(target=cpu_bound)
cpu.start()
with_cpu = io_ops(m)
spinning = False
cpu.join()

result = {
    "alone_ms_per_op": round(alone * 1e3, 3),
    "with_cpu_ms_per_op": round(with_cpu * 1e3, 3),
    "slowdown": round(with_cpu / alone, 1),
}
print(json.dumps(result))
