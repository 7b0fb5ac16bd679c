"""Programs the race tests run (source strings for ``gilsim.run(source=..., races=True)``)."""

# The lost update of the issue: ``counter = f(counter)`` has a switch point (entering f)
# between its read and its write.  Run it with a short switch interval so that it is lost.
LOST_UPDATE = """\
import threading
counter = 0
def f(x):
    return x + 1
def work():
    global counter
    for _ in range(20000):
        counter = f(counter)
threads = [threading.Thread(target=work) for _ in range(2)]
for t in threads: t.start()
for t in threads: t.join()
print(counter)
"""

# ``counter += 1`` in a tight loop: a data race, but atomic under 3.11's GIL.
ATOMIC_INCREMENT = """\
import threading
counter = 0
def work():
    global counter
    for _ in range(20000):
        counter += 1
threads = [threading.Thread(target=work) for _ in range(2)]
for t in threads: t.start()
for t in threads: t.join()
print(counter)
"""

# Both threads pass the barrier, then each runs its short loop without being switched out:
# no update is lost in this run, but a switch on entering f() would lose one.
UNLUCKY_NOT_LOST = """\
import threading
counter = 0
barrier = threading.Barrier(2)
def f(x):
    return x + 1
def work():
    global counter
    barrier.wait()
    for _ in range(100):
        counter = f(counter)
threads = [threading.Thread(target=work) for _ in range(2)]
for t in threads: t.start()
for t in threads: t.join()
print(counter)
"""

LOCKED = """\
import threading
counter = 0
lock = threading.Lock()
def f(x):
    return x + 1
def work():
    global counter
    for _ in range(20000):
        with lock:
            counter = f(counter)
threads = [threading.Thread(target=work) for _ in range(2)]
for t in threads: t.start()
for t in threads: t.join()
print(counter)
"""

CHECK_THEN_ACT = """\
import threading, time
cache = {}
barrier = threading.Barrier(2)
def expensive(key):
    time.sleep(0.001)
    return key * 2
def get(key):
    if key not in cache:
        cache[key] = expensive(key)
    return cache[key]
def work():
    barrier.wait()
    for key in range(3):
        get(key)
threads = [threading.Thread(target=work) for _ in range(2)]
for t in threads: t.start()
for t in threads: t.join()
print(sorted(cache.items()))
"""

LAZY_INIT = """\
import threading, time
_instance = None
class Thing:
    def __init__(self):
        time.sleep(0.001)
def get():
    global _instance
    if _instance is None:
        _instance = Thing()
    return _instance
barrier = threading.Barrier(2)
def work():
    barrier.wait()
    get()
threads = [threading.Thread(target=work) for _ in range(2)]
for t in threads: t.start()
for t in threads: t.join()
print(type(_instance).__name__)
"""

ACCOUNT = """\
import threading
class Account:
    def __init__(self):
        self.balance = 0
    def deposit(self, amount):
        balance = self.balance
        self.log(amount)
        self.balance = balance + amount
    def log(self, amount):
        pass
account = Account()
def work():
    for _ in range(3000):
        account.deposit(1)
threads = [threading.Thread(target=work) for _ in range(2)]
for t in threads: t.start()
for t in threads: t.join()
print(account.balance)
"""

QUEUE_HANDOFF = """\
import threading, queue
q = queue.Queue()
class Box:
    pass
def producer():
    for i in range(50):
        box = Box()
        box.value = i
        q.put(box)
    q.put(None)
def consumer():
    total = 0
    while True:
        box = q.get()
        if box is None:
            break
        total += box.value
        box.value = -1
    print(total)
threads = [threading.Thread(target=producer), threading.Thread(target=consumer)]
for t in threads: t.start()
for t in threads: t.join()
"""

NO_THREADS = """\
total = 0
for i in range(100):
    total = total + i
print(total)
"""
