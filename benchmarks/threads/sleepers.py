"""One thread counts down WORK iterations while SLEEPERS threads wake up every PERIOD seconds
and go back to sleep, until the counting is done (defaults 3,000,000, 1000, 0.05)."""

import sys
import threading
import time

WORK = int(sys.argv[1]) if len(sys.argv) > 1 else 3_000_000
SLEEPERS = int(sys.argv[2]) if len(sys.argv) > 2 else 1000
PERIOD = float(sys.argv[3]) if len(sys.argv) > 3 else 0.05

done = False


def countdown(n):
    global done
    while n > 0:
        n -= 1
    done = True


def sleeper():
    while not done:
        time.sleep(PERIOD)


sleepers = [threading.Thread(target=sleeper, daemon=True) for _ in range(SLEEPERS)]
for thread in sleepers:
    thread.start()
worker = threading.Thread(target=countdown, args=(WORK,))
worker.start()
worker.join()
print("done")
