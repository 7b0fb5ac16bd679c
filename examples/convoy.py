"""The convoy effect (bpo-7946; docs/model/gil.md §3.3, §7 item 7).

    python3 examples/convoy.py
    gilsim run examples/convoy.py

An I/O thread sleeps 200 us at a time.  Alone, each round takes about 0.28 ms.  Next to a
CPU-bound thread, every time it wakes up it must win the GIL back from a thread that never
lets go on its own: it waits one full switch interval (5 ms), asks for a drop, and only then
gets the GIL.  Each 0.2 ms operation costs about 5.5 ms: about twenty times slower.
"""

import sys
import threading
import time

ROUNDS = 20


def io_rounds():
    start = time.perf_counter()
    for _ in range(ROUNDS):
        time.sleep(0.0002)
    return (time.perf_counter() - start) / ROUNDS


stop = False


def spin():
    while not stop:
        pass


alone = io_rounds()
spinner = threading.Thread(target=spin)
spinner.start()
beside = io_rounds()
stop = True
spinner.join()
print(f"the I/O thread did {ROUNDS} sleeps of 200 us alone and {ROUNDS} beside a CPU-bound thread")
print(f"alone:                  {alone * 1e3:6.3f} ms per sleep", file=sys.stderr)
print(f"beside a CPU thread:    {beside * 1e3:6.3f} ms per sleep ({beside / alone:.0f}x)", file=sys.stderr)
print(f"switch interval:        {sys.getswitchinterval() * 1e3:6.3f} ms", file=sys.stderr)
