"""A bank transfer that is not atomic: money appears and disappears.

    python3 examples/bank_transfer.py
    gilsim run examples/bank_transfer.py
    gilsim explore examples/bank_transfer.py
    gilsim races examples/bank_transfer.py

Two threads move money between two accounts.  Whatever they do, the total must stay 200.
`transfer` reads the source balance, then calls `audit` (a Python function: its RESUME is a
check point, where the GIL can pass to the other thread), and only then writes the source
balance back.  A thread switched out at that call writes back a balance the other thread has
already changed, and the other thread's deposit is lost.  Run once, the program prints a total
of 200, under python and under gilsim alike: nothing makes the switch happen there (each
thread is done long before its first 5 ms slice is up).  `gilsim explore` tries the switches
CPython can make and finds the totals that are not 200, each with a schedule that replays it;
`gilsim races` points at the read and the write the switch falls between.  The fix is a lock
around both transfers' reads and writes (`docs/races.md`).
"""

import threading


class Account:
    def __init__(self, name, balance):
        self.name = name
        self.balance = balance


audit_log = []


def audit(source, target, amount):
    audit_log.append((source.name, target.name, amount))


def transfer(source, target, amount):
    remaining = source.balance - amount
    audit(source, target, amount)  # a check point between the read and the write
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
