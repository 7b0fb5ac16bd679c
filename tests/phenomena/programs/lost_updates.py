"""Whether `counter = counter + ...` loses updates depends on the instructions between the
load and the store (docs/model/gil.md section 7, item 6; section 2.6).

Two threads each update a module global K times with the loop body chosen by BODY:
  inc   counter += 1                   3.11: nothing lost (no check point between load and store)
  call  counter = counter + g()        3.11: updates lost (a Python call is a check point)
  abs   counter = counter + abs(1)     3.11: updates lost (this builtin call checks eval_breaker)
  len   counter = counter + len(L)     3.11: nothing lost (specialised len() does not check)
  isinstance  counter = counter + isinstance(i, int)   the same (3.11 to 3.13: nothing lost)
A lossy run loses about one timeslice of the other thread's updates per bad switch, so
the losses are large (spec section 2.6, K = 10**6: call 589,877 and abs 711,854 lost).

The default K = 10**6 (as in spec section 2.6) keeps the run at roughly 70-100 ms on
CPython 3.11, i.e. 13-20 switch intervals of 5 ms during which both threads want the GIL.
A smaller SWITCH_INTERVAL_S gives more switches in the same time.

usage: python lost_updates.py [BODY=inc] [K=1000000] [SWITCH_INTERVAL_S=0.005]
"""

import json
import sys
import threading
import time

body = sys.argv[1] if len(sys.argv) > 1 else "inc"
k = int(sys.argv[2]) if len(sys.argv) > 2 else 1_000_000
interval = float(sys.argv[3]) if len(sys.argv) > 3 else 0.005
sys.setswitchinterval(interval)

counter = 0
L = [1]


def g():
    return 1


def work_inc(k):
    global counter
    for _ in range(k):
        counter += 1


def work_call(k):
    global counter
    for _ in range(k):
        counter = counter + g()


def work_abs(k):
    global counter
    for _ in range(k):
        counter = counter + abs(1)


def work_len(k):
    global counter
    for _ in range(k):
        counter = counter + len(L)


def work_isinstance(k):
    global counter
    for i in range(k):
        counter = counter + isinstance(i, int)


work = {
    "inc": work_inc,
    "call": work_call,
    "abs": work_abs,
    "len": work_len,
    "isinstance": work_isinstance,
}[body]
go = threading.Event()


def run():
    go.wait()  # both threads start together, so they overlap from the first update
    work(k)


threads = [threading.Thread(target=run) for _ in range(2)]
for thread in threads:
    thread.start()
start = time.perf_counter()
go.set()
for thread in threads:
    thread.join()
elapsed = time.perf_counter() - start

result = {
    "body": body,
    "expected": 2 * k,
    "final": counter,
    "lost": 2 * k - counter,
    "elapsed_s": round(elapsed, 4),
}
print(json.dumps(result))
