"""Thread start and lock hand-off both go through the GIL (docs/model/gil.md section 7, item 9).

(a) Thread.start() returns only when the new thread has run its first lines, so the new
    thread, and then the starting thread, each need the GIL. With no competitor this is
    quick; while another thread spins it costs about 1-2 switch intervals.
(b) A thread that waits on a lock wakes when the lock is released, but it must then get
    the GIL. If the releasing thread blocks right away (here: join()), the waiter runs
    almost at once; if the releaser keeps computing, the waiter waits for a forced
    switch, up to one interval.

Expected (spec section 7 item 9 and section 8, CPython 3.11, 5 ms interval):
  start_idle_ms 0.05-0.1, start_busy_ms 7.9-10.3,
  lock_idle_ms ~0.007-0.03 (cross-thread wake-up), lock_busy_ms ~one interval (~5 ms).
All figures are medians over TRIALS trials.

usage: python handoff_latency.py [TRIALS=10] [SWITCH_INTERVAL_S=0.005]
"""

import json
import sys
import threading
import time

trials = int(sys.argv[1]) if len(sys.argv) > 1 else 10
interval = float(sys.argv[2]) if len(sys.argv) > 2 else 0.005
sys.setswitchinterval(interval)

spinning = True
woke_at = None


def median(values):
    values = sorted(values)
    middle = len(values) // 2
    if len(values) % 2:
        return values[middle]
    return (values[middle - 1] + values[middle]) / 2


def noop():
    pass


def spin():
    x = 0
    while spinning:
        x += 1


def start_latencies():
    """How long Thread.start() takes, trials times."""
    times = []
    for _ in range(trials):
        thread = threading.Thread(target=noop)
        start = time.perf_counter()
        thread.start()
        times.append(time.perf_counter() - start)
        thread.join()
    return times


def waiter(lock):
    global woke_at
    lock.acquire()
    woke_at = time.perf_counter()
    lock.release()


def lock_latencies(keep_computing):
    """From lock.release() in the main thread to the waiter running, trials times."""
    global woke_at
    times = []
    for _ in range(trials):
        lock = threading.Lock()
        lock.acquire()
        woke_at = None
        thread = threading.Thread(target=waiter, args=(lock,))
        thread.start()
        time.sleep(0.002)  # let the waiter reach lock.acquire() and block there
        released_at = time.perf_counter()
        lock.release()
        if keep_computing:
            while woke_at is None:  # keep the GIL busy until the waiter has run
                pass
        thread.join()
        times.append(woke_at - released_at)
    return times


start_idle = start_latencies()
lock_idle = lock_latencies(keep_computing=False)
lock_busy = lock_latencies(keep_computing=True)

competitor = threading.Thread(target=spin)
competitor.start()
start_busy = start_latencies()
spinning = False
competitor.join()

result = {
    "start_idle_ms": round(median(start_idle) * 1e3, 3),
    "start_busy_ms": round(median(start_busy) * 1e3, 3),
    "lock_idle_ms": round(median(lock_idle) * 1e3, 3),
    "lock_busy_ms": round(median(lock_busy) * 1e3, 3),
}
print(json.dumps(result))
