"""Two CPU-bound threads take turns with the GIL, about every 5 ms (docs/model/gil.md §7 item 4).

    python3 examples/two_cpu_threads.py
    gilsim run examples/two_cpu_threads.py
    gilsim render -o two_cpu_threads.png examples/two_cpu_threads.py

Each thread counts down and, every 1,000 steps, notes which thread it is.  Only the holder
of the GIL runs Python code, so the notes come in runs, one run per turn: a thread keeps the
GIL until the other has waited one switch interval and asked for it.  Counting the turns
gives the hand-off rate without any clock inside the loop.
"""

import sys
import threading
import time

STEPS = 800_000
notes = []


def countdown(name):
    n = STEPS
    while n > 0:
        n -= 1
        if n % 1000 == 0:
            notes.append(name)


threads = [threading.Thread(target=countdown, args=(name,)) for name in ("A", "B")]
start = time.perf_counter()
for thread in threads:
    thread.start()
for thread in threads:
    thread.join()
elapsed = time.perf_counter() - start

turns = 1 + sum(1 for a, b in zip(notes, notes[1:]) if a != b)
print(f"two threads counted down {STEPS} each; {len(notes)} notes")
print(f"elapsed:        {elapsed * 1e3:7.1f} ms", file=sys.stderr)
print(f"turns:          {turns:7d}", file=sys.stderr)
print(f"ms per turn:    {elapsed * 1e3 / turns:7.2f}  (switch interval {sys.getswitchinterval() * 1e3:g} ms)", file=sys.stderr)
