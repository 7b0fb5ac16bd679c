"""No convoy under the old GIL (docs/model/gil.md section 7, item 7).

An I/O thread (the main thread) does M sleeps of 200 us, alone and then next to one
CPU-bound thread.  Under the new GIL each sleep costs about one switch interval more
(5.49 ms/op); under the old GIL the CPU thread releases the lock every 100 ticks, so the
sleeper gets it back almost at once (2.7.18: 0.28 ms/op alone, 0.32 ms/op with the CPU
thread).  Runs unchanged under Python 2.7 and under gilsim --gil old.

usage: python oldgil_convoy.py [M=40]
"""

import json
import sys
import threading
import time

clock = getattr(time, "perf_counter", time.time)
m = int(sys.argv[1]) if len(sys.argv) > 1 else 40

SLEEP = 200e-6
spinning = [True]


def io_ops(m):
    start = clock()
    for _ in range(m):
        time.sleep(SLEEP)
    return (clock() - start) / m


def cpu_bound():
    x = 0
    while spinning[0]:
        x += 1


alone = io_ops(m)
cpu = threading.Thread(target=cpu_bound)
cpu.start()
with_cpu = io_ops(m)
spinning[0] = False
cpu.join()

result = {
    "alone_ms_per_op": round(alone * 1e3, 3),
    "with_cpu_ms_per_op": round(with_cpu * 1e3, 3),
    "slowdown": round(with_cpu / alone, 1),
}
print(json.dumps(result))
