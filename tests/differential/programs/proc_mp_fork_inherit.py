# What a fork child of multiprocessing sees (docs/model/processes.md §6 items 1-3, 6): globals as
# they were at start(), not after; the child's changes stay its own; __name__ is __main__
# and the top level does not run again; one thread, and another thread's lock still held.
import multiprocessing as mp
import threading
import time

print("top level runs in", mp.current_process().name)
state = {"value": "import-time"}
lock = threading.Lock()


def child(q):
    q.put((__name__, state["value"], threading.active_count(), lock.acquire(timeout=0.1)))
    state["value"] = "changed by the child"


def hold(event):
    with lock:
        event.set()
        time.sleep(0.5)


if __name__ == "__main__":
    mp.set_start_method("fork")
    state["value"] = "changed before start"
    started = threading.Event()
    holder = threading.Thread(target=hold, args=(started,))
    holder.start()
    started.wait()
    q = mp.Queue()
    p = mp.Process(target=child, args=(q,))
    p.start()
    state["value"] = "changed after start"
    print("child saw:", q.get())
    p.join()
    print("parent has:", state["value"], "exit code", p.exitcode)
    holder.join()
