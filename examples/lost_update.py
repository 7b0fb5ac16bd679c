"""Where the GIL does and does not protect a shared counter (docs/model/gil.md §2.6, §7 item 6).

    python3 examples/lost_update.py
    gilsim run examples/lost_update.py

In CPython 3.11, `counter += 1` in a loop never loses an update: its only check point (where
a thread switch can happen) is the loop's JUMP_BACKWARD, after the store.  `counter =
increment(counter)` calls a Python function between the load and the store; the function's
RESUME is a check point, so a thread can be switched out holding a stale value, and when it
stores it, everything the other thread did meanwhile is lost.  `gilsim dis` shows both, and
`gilsim races` tells where an update was lost, with the values.  The threads start together
(a barrier) and switch every 0.1 ms, so that the loss shows on a busy machine too.
"""

import sys
import threading

N = 500_000
counter = 0


def increment(value):
    return value + 1


def plus_equals(start):
    global counter
    start.wait()
    for _ in range(N):
        counter += 1


def through_a_call(start):
    global counter
    start.wait()
    for _ in range(N):
        counter = increment(counter)


def run(body):
    global counter
    counter = 0
    start = threading.Barrier(2)  # both threads count at once, however busy the machine
    threads = [threading.Thread(target=body, args=(start,)) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return counter


# 0.1 ms instead of 5 ms: hundreds of switches, so the loss shows even when the machine is busy
# and the threads get fewer turns than they would alone (CPython 3.11 still loses nothing in
# the `+=` loop at any interval, docs/model/gil.md §2.6).
sys.setswitchinterval(0.0001)


safe = run(plus_equals)
print(f"counter += 1: {safe} of {2 * N} ({'no update lost' if safe == 2 * N else 'updates lost'})")
lossy = run(through_a_call)
print("counter = increment(counter): " + ("updates lost" if lossy < 2 * N else "no update lost"))
print(f"counter = increment(counter): {lossy} of {2 * N}, {2 * N - lossy} lost", file=sys.stderr)
