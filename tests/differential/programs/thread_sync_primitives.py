# Exercises: Condition, Semaphore, BoundedSemaphore, Barrier, Event and Lock timeouts, RLock.
import threading
import time

cond = threading.Condition()
items = []


def consumer(name):
    with cond:
        while not items:
            cond.wait()
        print(name, "got", items.pop())


c = threading.Thread(target=consumer, args=("consumer",))
c.start()
time.sleep(0.01)
with cond:
    items.append(42)
    cond.notify()
c.join()

sem = threading.BoundedSemaphore(2)
print("acquire 1:", sem.acquire())
print("acquire 2:", sem.acquire())
print("acquire 3 without blocking:", sem.acquire(blocking=False))
print("acquire 3 with timeout:", sem.acquire(timeout=0.01))
sem.release()
sem.release()
try:
    sem.release()
except ValueError as exc:
    print("ValueError:", exc)

barrier = threading.Barrier(3)
order = []
lock = threading.Lock()


def at_barrier(n):
    index = barrier.wait()
    with lock:
        order.append(n)
    assert 0 <= index < 3


workers = [threading.Thread(target=at_barrier, args=(n,)) for n in range(3)]
for w in workers:
    w.start()
for w in workers:
    w.join()
print("all passed the barrier:", sorted(order))

event = threading.Event()
print("event wait with timeout:", event.wait(0.005))
threading.Timer(0.002, event.set).start()
print("event set by a timer:", event.wait(1))

plain = threading.Lock()
plain.acquire()
print("lock acquire with timeout:", plain.acquire(timeout=0.003))
print("lock locked:", plain.locked())
plain.release()
try:
    plain.release()
except RuntimeError as exc:
    print("RuntimeError:", exc)

rlock = threading.RLock()
with rlock:
    with rlock:
        print("reentrant acquire works")
try:
    rlock.release()
except RuntimeError as exc:
    print("RuntimeError:", exc)

for bad in [dict(blocking=False, timeout=1), dict(timeout=-2)]:
    try:
        plain.acquire(**bad)
    except ValueError as exc:
        print("ValueError:", exc)
