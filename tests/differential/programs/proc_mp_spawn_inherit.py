# What a spawn child sees (docs/model/processes.md §6 items 1-5): the main module runs again as
# __mp_main__, so globals have their import-time values and the main guard does not run;
# the target and its arguments arrive pickled; a lock another thread holds is free there.
import multiprocessing as mp
import threading
import time

print("top level runs as", __name__)
state = {"value": "import-time"}
lock = threading.Lock()


def child(q, arg):
    q.put((__name__, state["value"], arg, threading.active_count(), lock.acquire(timeout=0.1)))


def hold(event):
    with lock:
        event.set()
        time.sleep(0.3)


if __name__ == "__main__":
    ctx = mp.get_context("spawn")
    state["value"] = "changed before start"
    started = threading.Event()
    holder = threading.Thread(target=hold, args=(started,))
    holder.start()
    started.wait()
    q = ctx.Queue()
    p = ctx.Process(target=child, args=(q, {"sent": [1, 2]}))
    p.start()
    print("child saw:", q.get())
    p.join()
    print("exit code", p.exitcode)
    holder.join()
