# Exercises: the interpreter waits for non-daemon threads after the main module ends, then runs atexit.
import atexit
import threading
import time


def late():
    time.sleep(0.01)
    print("non-daemon thread finishes after main")


atexit.register(lambda: print("atexit runs after the threads are joined"))
threading.Thread(target=late).start()
print("main module ends")
