"""Fork copies only the thread that calls it (docs/model/processes.md §5.1): a lock another
thread holds at that instant is copied locked, and nobody in the child will release it.

    python3 examples/fork_with_held_lock.py
    gilsim run examples/fork_with_held_lock.py

A spawn child makes its own lock when it runs this module again: free.  (Acquire the lock
without a timeout in the fork child and the child waits for ever; gilsim reports that as a
deadlock and names the thread of the parent that held the lock when it forked.)
"""

import multiprocessing as mp
import threading
import time

lock = threading.Lock()


def try_lock(queue):
    queue.put((threading.active_count(), lock.acquire(timeout=0.5)))


def hold(started):
    with lock:
        started.set()
        time.sleep(1)


if __name__ == "__main__":
    started = threading.Event()
    holder = threading.Thread(target=hold, args=(started,), name="Holder")
    holder.start()
    started.wait()
    for method in ("fork", "spawn"):
        ctx = mp.get_context(method)
        queue = ctx.Queue()
        child = ctx.Process(target=try_lock, args=(queue,))
        child.start()
        threads, acquired = queue.get()
        child.join()
        print(f"{method} child: {threads} thread(s), acquires the lock: {acquired}")
    holder.join()
