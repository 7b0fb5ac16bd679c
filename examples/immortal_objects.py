"""What free threading does not count: immortal objects (PEP 683), shared by two threads.

    python3 examples/immortal_objects.py
    gilsim run --gil free-threaded --refcount mark --refcount scale --refcount table \
        examples/immortal_objects.py

Two threads read the same three globals in a loop: a one-character string, a function
defined at the top level, and a list.  Every read is a `Py_INCREF` and its end a
`Py_DECREF`.  Under a GIL (3.11, gilsim's default) all three counts change all the time.  A
free-threaded CPython (3.13t) never touches the string's count: like None, True, False, the
small ints and the empty tuple, it is allocated statically and immortal.  The
function's count it touches only until the program starts its first thread, which makes every
object of deferred reference counting (top-level functions, classes, code objects, modules)
immortal.  The list is an ordinary object: its owner, the main thread, counts its own
references with plain adds and the worker counts with atomic ones, biased reference counting.
"""

import threading

ROUNDS = 1_000

mark = "§"
table = [1, 2, 3]


def scale(x):
    return x * 2


scale(1)  # before any thread: an ordinary count


def work(results, index):
    total = 0
    for _ in range(ROUNDS):
        total += scale(table[0]) + len(mark)
    results[index] = total


results = [0, 0]
worker = threading.Thread(target=work, args=(results, 1))
worker.start()
work(results, 0)
worker.join()
print("totals:", results)
