"""Where the GIL does and does not protect a shared counter (spec/gil.md §2.6, §7 item 6).

    python3 examples/lost_update.py
    gilsim run examples/lost_update.py

In CPython 3.11, `counter += 1` in a loop never loses an update: its only check point (where
a thread switch can happen) is the loop's JUMP_BACKWARD, after the store.  `counter =
increment(counter)` calls a Python function between the load and the store; the function's
RESUME is a check point, so a thread can be switched out holding a stale value, and when it
stores it, everything the other thread did meanwhile is lost.  `gilsim dis` shows both.
"""

import sys
import threading

N = 500_000
counter = 0


def increment(value):
    return value + 1


def plus_equals():
    global counter
    for _ in range(N):
        counter += 1


def through_a_call():
    global counter
    for _ in range(N):
        counter = increment(counter)


def run(body):
    global counter
    counter = 0
    threads = [threading.Thread(target=body) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return counter


safe = run(plus_equals)
print(f"counter += 1: {safe} of {2 * N} ({'no update lost' if safe == 2 * N else 'updates lost'})")
lossy = run(through_a_call)
print("counter = increment(counter): " + ("updates lost" if lossy < 2 * N else "no update lost"))
print(f"counter = increment(counter): {lossy} of {2 * N}, {2 * N - lossy} lost", file=sys.stderr)
