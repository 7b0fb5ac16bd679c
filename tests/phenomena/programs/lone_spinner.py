"""A lone CPU-bound thread never loses the GIL (docs/model/gil.md section 7, item 1).

The main thread spins, reading time.perf_counter() in a loop, while three other threads
are blocked for the whole run: one in Event.wait(), one in time.sleep() (longer than
the run) and one in Lock.acquire() on a lock the main thread holds. Blocked threads do
not ask for the GIL, so nobody sets a drop request and the spinner never has to let go.

Every gap of more than 100 us between two consecutive perf_counter() reads is a period
the spinner did not run. Expected: "gaps" is 0. On a real machine the OS may still pause
the thread now and then, for far less than a switch interval (see longest_gap_ms).

usage: python lone_spinner.py [DURATION_S=0.2] [SWITCH_INTERVAL_S=0.005]
"""

import json
import sys
import threading
import time

duration = float(sys.argv[1]) if len(sys.argv) > 1 else 0.2
interval = float(sys.argv[2]) if len(sys.argv) > 2 else 0.005
sys.setswitchinterval(interval)

GAP = 100e-6  # a pause longer than this means the spinner was not running
gaps = []

never_set = threading.Event()
held_lock = threading.Lock()
held_lock.acquire()  # the main thread holds it until the end


def spin():
    deadline = time.perf_counter() + duration
    last = time.perf_counter()
    while last < deadline:
        now = time.perf_counter()
        if now - last > GAP:
            gaps.append(now - last)
        last = now


def wait_for_lock():
    held_lock.acquire()
    held_lock.release()


blocked = [
    threading.Thread(target=never_set.wait),
    threading.Thread(target=time.sleep, args=(duration + 0.02,)),
    threading.Thread(target=wait_for_lock),
]
for thread in blocked:
    thread.start()
time.sleep(0.005)  # give them a moment to reach their blocking call

spin()  # the main thread is the lone spinner

# Release the blocked threads so that the program can exit.
never_set.set()
held_lock.release()
for thread in blocked:
    thread.join()

result = {
    "gaps": len(gaps),
    "longest_gap_ms": round(max(gaps, default=0.0) * 1e3, 3),
}
print(json.dumps(result))
