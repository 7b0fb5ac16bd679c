"""A shared object's reference count rising and falling as two threads take and drop
references to it (docs/model/gil.md §5.1).

    python3 examples/refcount_lanes.py
    gilsim run --refcount shared examples/refcount_lanes.py
    gilsim render --refcount shared --window 4ms: -o refcounts.png examples/refcount_lanes.py

Every reference a thread takes is a `Py_INCREF` of the object and every one it drops a
`Py_DECREF`: a plain `ob_refcnt++` and `--`, safe only because the thread that does it holds
the GIL.  Here each thread appends `shared` to its own list, one reference a millisecond,
then drops them again.  The program prints the count (`sys.getrefcount`, which counts its
own argument too) before, at the peak (both threads wait at a barrier holding theirs) and
after; `--refcount shared` draws the count as a lane of the timeline, a counter track in the
Perfetto file, and gives its lowest, highest and final count in the `--json` summary.  The
object is freed (a `dealloc` event) when `shared = None` drops the last reference.
"""

import sys
import threading
import time

TAKEN = 5


class Shared:
    pass


shared = Shared()
peak = threading.Barrier(3)
done = threading.Barrier(3)


def worker():
    mine = []
    for _ in range(TAKEN):
        mine.append(shared)
        time.sleep(0.001)
    peak.wait()
    done.wait()
    while mine:
        mine.pop()
        time.sleep(0.001)


threads = [threading.Thread(target=worker) for _ in range(2)]
print("before:", sys.getrefcount(shared))
for thread in threads:
    thread.start()
peak.wait()
print("at the peak:", sys.getrefcount(shared))
done.wait()
for thread in threads:
    thread.join()
print("after:", sys.getrefcount(shared))
shared = None
