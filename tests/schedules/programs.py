"""Small threaded programs for exploration tests: two threads, three updates each."""

PLUS_EQUALS = """
import threading
counter = 0
def work():
    global counter
    for _ in range(3):
        counter += 1
threads = [threading.Thread(target=work) for _ in range(2)]
for t in threads:
    t.start()
for t in threads:
    t.join()
print(counter)
"""

THROUGH_A_CALL = """
import threading
counter = 0
def f(x):
    return x + 1
def work():
    global counter
    for _ in range(3):
        counter = f(counter)
threads = [threading.Thread(target=work) for _ in range(2)]
for t in threads:
    t.start()
for t in threads:
    t.join()
print(counter)
"""

WITH_A_LOCK = """
import threading
counter = 0
lock = threading.Lock()
def f(x):
    return x + 1
def work():
    global counter
    for _ in range(3):
        with lock:
            counter = f(counter)
threads = [threading.Thread(target=work) for _ in range(2)]
for t in threads:
    t.start()
for t in threads:
    t.join()
print(counter)
"""
