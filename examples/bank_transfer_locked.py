"""The bank transfer of bank_transfer.py, made atomic with a lock.

    python3 examples/bank_transfer_locked.py
    gilsim explore examples/bank_transfer_locked.py

The same two transfers, each done holding one lock from the first read to the last write.  The
GIL can still pass to the other thread inside `audit`, but the other thread then waits for the
lock, so no read-modify-write of a balance is ever split: `gilsim explore` finds one outcome,
a total of 200, in every schedule it tries (and exits with status 0).
"""

import threading


class Account:
    def __init__(self, name, balance):
        self.name = name
        self.balance = balance


audit_log = []
bank = threading.Lock()


def audit(source, target, amount):
    audit_log.append((source.name, target.name, amount))


def transfer(source, target, amount):
    with bank:
        remaining = source.balance - amount
        audit(source, target, amount)  # a check point, but the other thread waits for `bank`
        source.balance = remaining
        target.balance += amount


a = Account("A", 100)
b = Account("B", 100)
threads = [
    threading.Thread(target=transfer, args=(a, b, 30)),
    threading.Thread(target=transfer, args=(b, a, 20)),
]
for thread in threads:
    thread.start()
for thread in threads:
    thread.join()
print(f"A={a.balance} B={b.balance} total={a.balance + b.balance}")
