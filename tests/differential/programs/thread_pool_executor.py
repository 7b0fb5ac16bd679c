# Exercises: concurrent.futures.ThreadPoolExecutor: map, submit, as_completed, exceptions, shutdown.
from concurrent.futures import ThreadPoolExecutor, as_completed, wait, FIRST_EXCEPTION
import threading


def square(x):
    return x * x


def fail(x):
    raise ValueError(f"bad {x}")


with ThreadPoolExecutor(max_workers=3, thread_name_prefix="pool") as pool:
    print("map:", list(pool.map(square, range(8))))
    futures = [pool.submit(square, n) for n in range(5)]
    print("as_completed:", sorted(f.result() for f in as_completed(futures)))
    bad = pool.submit(fail, 7)
    try:
        bad.result()
    except ValueError as exc:
        print("ValueError from the pool:", exc)
    print("exception():", repr(bad.exception()))
    # FIRST_EXCEPTION returns at once: ``bad`` has failed.  Whether the other future is done
    # by then is a race (without a GIL its worker runs beside this thread), so it is not
    # printed.
    done, pending = wait([pool.submit(square, 3), bad], return_when=FIRST_EXCEPTION)
    print("wait:", bad in done, len(done) + len(pending), "futures")
    names = set(pool.submit(lambda: threading.current_thread().name).result() for _ in range(3))
    print("worker names start with the prefix:", all(n.startswith("pool_") for n in names))
print("shut down; submit after shutdown:")
try:
    pool.submit(square, 1)
except RuntimeError as exc:
    print("RuntimeError:", exc)
print("active threads after shutdown:", threading.active_count())
