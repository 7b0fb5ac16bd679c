"""Two threads take and drop references to one shared object as fast as they can: its
reference count stays right only because a GIL lets one thread at a time update it
(docs/model/gil.md §5.1).

    python3 examples/refcount_race.py
    gilsim run --refcount shared examples/refcount_race.py
    gilsim run --gil none --refcount shared examples/refcount_race.py

Each `mine = shared` is a `Py_INCREF` of the object and each `del mine` a `Py_DECREF`: a
plain `ob_refcnt++` and `--`, a load, an add and a store.  With a GIL (CPython, and gilsim's
default) the program prints the same count before and after.  Under `--gil none` the two
threads run at once on two cores, and where their updates of the count overlap the later
store overwrites the earlier: an update is lost.  gilsim says which, where, and what it
leads to: a count that reaches 0 while the global still refers to the object (CPython would
free it there) and the next use of the freed object, or, if a decrement was lost, an object
that is never freed.  The program itself runs on, on the host's correct counts, and prints
what CPython with a GIL prints.
"""

import sys
import threading

ROUNDS = 10_000


class Shared:
    pass


shared = Shared()


def worker():
    for _ in range(ROUNDS):
        mine = shared
        del mine


threads = [threading.Thread(target=worker) for _ in range(2)]
print("before:", sys.getrefcount(shared))
for thread in threads:
    thread.start()
for thread in threads:
    thread.join()
print("after:", sys.getrefcount(shared))
