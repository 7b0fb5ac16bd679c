# Exercises: threading.Timer (fired and cancelled), sched on time.monotonic and time.sleep, and import of a shadowed module through __import__ and importlib.import_module.
import importlib
import sched
import threading
import time

fired = []
timer = threading.Timer(0.05, lambda: fired.append("timer"))
cancelled = threading.Timer(0.05, lambda: fired.append("never"))
timer.start()
cancelled.start()
cancelled.cancel()
timer.join()
cancelled.join()
print("timers:", fired, timer.finished.is_set(), cancelled.finished.is_set())

order = []
scheduler = sched.scheduler(time.monotonic, time.sleep)
start = time.monotonic()
scheduler.enter(0.03, 2, order.append, ("second",))
scheduler.enter(0.01, 1, order.append, ("first",))
scheduler.enter(0.03, 1, order.append, ("tie, higher priority",))
scheduler.run()
print("sched:", order, "took at least 0.03 s:", time.monotonic() - start >= 0.03)

same = __import__("time") is time and importlib.import_module("time") is time
print("one time module:", same, __import__("time").sleep is time.sleep)
before = time.perf_counter()
importlib.import_module("time").sleep(0.02)
print("its sleep sleeps:", time.perf_counter() - before >= 0.02)
