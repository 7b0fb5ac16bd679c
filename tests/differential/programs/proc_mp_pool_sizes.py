# multiprocessing.Pool(n) with the default start method (fork on Linux up to 3.13), for
# n = 1, 2 and 4: map, imap, apply_async and starmap give CPython's results, in order, and
# the pool's context manager ends its workers.  (A later pool forks while the earlier
# pool's threads may still be ending: CPython 3.12's warning about that is silenced here,
# since whether it comes depends on the host's timing.)
import multiprocessing as mp
import os
import warnings

warnings.filterwarnings("ignore", "This process .* is multi-threaded", DeprecationWarning)


def square(x):
    return x * x


def describe(x):
    return x, os.getpid() != PARENT


def power(base, exponent):
    return base**exponent


PARENT = os.getpid()

if __name__ == "__main__":
    for n in (1, 2, 4):
        with mp.Pool(n) as pool:
            print(n, "map:", pool.map(square, range(8)))
            print(n, "imap:", list(pool.imap(square, range(4))))
            print(n, "apply_async:", pool.apply_async(describe, (n,)).get(timeout=10))
            print(n, "starmap:", pool.starmap(power, [(2, 3), (3, 2), (n, 2)]))
    print("the pools' workers are gone:", mp.active_children() == [])
