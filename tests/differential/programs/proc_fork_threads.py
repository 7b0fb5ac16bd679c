# Only the thread that forks is in the child: another thread's lock stays held there for
# ever, while in the parent it is released as usual.  The at-fork hooks run in CPython's
# order: before (last registered first), then after_in_child or after_in_parent.
import os
import sys
import threading
import time

lock = threading.Lock()
started = threading.Event()


def hold():
    with lock:
        started.set()
        time.sleep(0.3)


hooks = []  # what the hooks did, in order (printed later: parent and child run at once)
for name in ("first", "second"):
    os.register_at_fork(
        before=lambda name=name: hooks.append(("before", name)),
        after_in_child=lambda name=name: hooks.append(("after_in_child", name)),
        after_in_parent=lambda name=name: hooks.append(("after_in_parent", name)),
    )

holder = threading.Thread(target=hold, name="Holder")
holder.start()
started.wait()
print("parent threads:", threading.active_count())
sys.stdout.flush()
pid = os.fork()
if pid == 0:
    print("child's hooks:", hooks)
    print("child threads:", threading.active_count(), threading.current_thread().name)
    print("child main thread is current:", threading.main_thread() is threading.current_thread())
    print("child acquires the held lock:", lock.acquire(timeout=0.1))
    sys.stdout.flush()
    os._exit(0)
os.waitpid(pid, 0)
print("parent's hooks:", hooks)
holder.join()
print("parent acquires it after the holder ended:", lock.acquire(timeout=0.1))
