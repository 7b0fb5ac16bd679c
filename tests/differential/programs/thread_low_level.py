# Exercises: the _thread module directly, thread identities, threading.local with __init__, daemon threads.
import _thread
import threading
import time

done = _thread.allocate_lock()
done.acquire()
seen = {}


def worker(n):
    seen[n] = _thread.get_ident()
    if len(seen) == 3:
        done.release()


for n in range(3):
    _thread.start_new_thread(worker, (n,))
done.acquire()
print("three idents, all distinct:", len(set(seen.values())) == 3)
print("main ident differs:", _thread.get_ident() not in seen.values())
print("native id is an int:", isinstance(threading.get_native_id(), int))
print("lock type:", type(done).__name__, isinstance(done, _thread.LockType))
print("TIMEOUT_MAX positive:", _thread.TIMEOUT_MAX > 0)

for args in [(1, ()), (print, []), (print, (), 1)]:
    try:
        _thread.start_new_thread(*args)
    except TypeError as exc:
        print("TypeError:", exc)


class Counter(threading.local):
    def __init__(self, start):
        self.value = start


local = Counter(10)
local.value += 1
results = []


def use_local():
    results.append(local.value)
    local.value = 99


t = threading.Thread(target=use_local)
t.start()
t.join()
print("thread saw a fresh local:", results, "main still has:", local.value)
plain = threading.local()
plain.x = 1
t = threading.Thread(target=lambda: results.append(hasattr(plain, "x")))
t.start()
t.join()
print("attribute invisible in another thread:", results[-1] is False)

print("current:", threading.current_thread().name, threading.main_thread() is threading.current_thread())
print("active before daemon:", threading.active_count())


def forever():
    while True:
        time.sleep(0.001)


d = threading.Thread(target=forever, daemon=True, name="daemon")
d.start()
print("daemon alive:", d.is_alive(), d.daemon)
print("enumerate names:", sorted(t.name for t in threading.enumerate()))
print("main exits while the daemon sleeps")
