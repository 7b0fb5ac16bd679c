# Exercises: threading.Lock / RLock protecting a shared counter, lock as context manager, acquire(blocking=False).
import threading

counter = 0
lock = threading.Lock()


def increment(times):
    global counter
    for _ in range(times):
        with lock:
            counter += 1


threads = [threading.Thread(target=increment, args=(2000,)) for _ in range(4)]
for t in threads:
    t.start()
for t in threads:
    t.join()
print("counter:", counter)
print("locked?", lock.locked())
lock.acquire()
print("locked after acquire?", lock.locked(), "non-blocking acquire:", lock.acquire(blocking=False))
lock.release()
try:
    lock.release()
except RuntimeError as e:
    print("RuntimeError:", e)
rlock = threading.RLock()


def recursive(n):
    with rlock:
        if n == 0:
            return 0
        return n + recursive(n - 1)


print("recursive with RLock:", recursive(10))


class BankAccount:
    def __init__(self):
        self.balance = 0
        self.lock = threading.Lock()
        self.history = []

    def deposit(self, who, amount):
        with self.lock:
            self.balance += amount
            self.history.append(who)


acct = BankAccount()
workers = [threading.Thread(target=lambda w=w: [acct.deposit(w, 5) for _ in range(100)]) for w in "abc"]
for w in workers:
    w.start()
for w in workers:
    w.join()
print("balance:", acct.balance, "deposits:", len(acct.history), sorted(set(acct.history)))
print({w: acct.history.count(w) for w in "abc"})
