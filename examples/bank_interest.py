# A small, ordinary program: accounts, interest, a generator of statements and an error
# handled on the way.  It prints the same lines under `python` and under `gilsim run`;
# the last line is the virtual (gilsim) or real (python) time it took.
import time


class Account:
    def __init__(self, owner, balance=0.0):
        self.owner = owner
        self.balance = balance

    def deposit(self, amount):
        if amount <= 0:
            raise ValueError(f"deposit must be positive, got {amount}")
        self.balance += amount

    def __repr__(self):
        return f"Account({self.owner!r}, {self.balance:.2f})"


def statements(account, rate, years):
    for year in range(1, years + 1):
        account.balance *= 1 + rate
        yield year, round(account.balance, 2)


start = time.perf_counter()
accounts = [Account("ada", 100.0), Account("grace", 250.0)]
for account in accounts:
    try:
        account.deposit(-5)
    except ValueError as error:
        print("refused:", error)
    account.deposit(50)
    for year, balance in statements(account, 0.05, 3):
        print(f"{account.owner:>6} year {year}: {balance:10.2f}")
print(sorted(accounts, key=lambda a: -a.balance))
elapsed = time.perf_counter() - start
print(f"took {elapsed * 1e6:.0f} us", file=__import__("sys").stderr)
