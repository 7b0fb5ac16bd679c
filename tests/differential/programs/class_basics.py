# Exercises: class definition, instance/class attributes, methods, __dict__ and attribute lookup.
class Account:
    """A simple bank account."""

    bank = "PyBank"
    count = 0

    def __init__(self, owner, balance=0):
        self.owner = owner
        self.balance = balance
        Account.count += 1

    def deposit(self, amount):
        if amount <= 0:
            raise ValueError("deposit must be positive")
        self.balance += amount
        return self

    def withdraw(self, amount):
        if amount > self.balance:
            raise ValueError(f"insufficient funds: {self.balance} < {amount}")
        self.balance -= amount
        return self

    def __repr__(self):
        return f"Account({self.owner!r}, {self.balance})"


a = Account("ann", 100)
b = Account("bob")
print(a, b, Account.count, a.bank, Account.__doc__)
a.deposit(50).withdraw(30)
print(a.balance, sorted(vars(a)), a.__dict__)
try:
    b.withdraw(10)
except ValueError as e:
    print("error:", e)
try:
    a.deposit(-1)
except ValueError as e:
    print("error:", e)
a.bank = "Other"
print(a.bank, b.bank, Account.bank)
del a.bank
print(a.bank)
print(hasattr(a, "owner"), getattr(a, "missing", "default"), getattr(b, "owner"))
setattr(b, "nickname", "bobby")
print(b.nickname, sorted(b.__dict__))
print(type(a).__name__, Account.__name__, Account.__qualname__, Account.__module__)
print(Account.deposit.__qualname__, type(a.deposit).__name__, a.deposit.__self__ is a)
bound = b.deposit
bound(5)
print(b.balance, Account.deposit(b, 5).balance)
print(isinstance(a, Account), isinstance(a, object), Account.__bases__, Account.__mro__)
print(sorted(k for k in Account.__dict__ if not k.startswith("__")))


class Empty:
    pass


e = Empty()
e.anything = 1
print(e.anything, Empty.__name__, bool(e), e == e, e != Empty())
