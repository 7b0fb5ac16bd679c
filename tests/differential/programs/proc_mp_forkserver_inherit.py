# What a forkserver child sees (docs/model/processes.md §6 items 1-3, 6, 9): the main module runs
# again as __mp_main__, once per child, so globals have their import-time values and the
# main guard does not run; what a child changes stays its own; a lock a parent thread holds
# is free there; the child is the fork server's child, not the parent's (no pid is printed,
# only comparisons).
import multiprocessing as mp
import os
import threading
import time

print("top level runs as", __name__)
state = {"value": "import-time"}
lock = threading.Lock()


def child(q, arg, starter):
    seen = (__name__, state["value"], arg, threading.active_count(), lock.acquire(timeout=0.1))
    q.put((seen, "the child's parent is the starter:", os.getppid() == starter))
    state["value"] = "changed by the child"


def hold(event):
    with lock:
        event.set()
        time.sleep(0.3)


if __name__ == "__main__":
    ctx = mp.get_context("forkserver")
    state["value"] = "changed before start"
    started = threading.Event()
    holder = threading.Thread(target=hold, args=(started,))
    holder.start()
    started.wait()
    q = ctx.Queue()
    for n in range(2):
        p = ctx.Process(target=child, args=(q, {"sent": [n, 2]}, os.getpid()))
        p.start()
        print("child saw:", q.get())
        p.join()
        print("exit code", p.exitcode)
    holder.join()
    print("the parent still has", state["value"])
