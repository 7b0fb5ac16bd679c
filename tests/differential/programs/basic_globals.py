# Exercises: module-level globals, the global statement, and module-level state mutation.
counter = 0
history = []


def increment(by=1):
    global counter
    counter += by
    history.append(counter)
    return counter


def read_only():
    # reads a global without declaring it
    return counter * 2


def shadow():
    counter = 100  # local, does not touch the global
    return counter


for i in range(5):
    increment(i)
print("counter:", counter)
print("history:", history)
print("read_only:", read_only())
print("shadow:", shadow(), "global still", counter)


def make_global():
    global created_later
    created_later = "I was created inside a function"


print("before:", "created_later" in globals())
make_global()
print("after:", created_later)

CONSTANT = (1, 2, 3)
total = 0
for value in CONSTANT:
    total += value
print("total:", total)
del total
print("total" in globals(), "CONSTANT" in globals())
print(sorted(k for k in globals() if not k.startswith("__")))
print(__name__, __doc__)
