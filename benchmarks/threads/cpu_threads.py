"""THREADS threads share a countdown of WORK iterations (default 3,000,000 and 1)."""

import sys
import threading

WORK = int(sys.argv[1]) if len(sys.argv) > 1 else 3_000_000
THREADS = int(sys.argv[2]) if len(sys.argv) > 2 else 1


def countdown(n):
    while n > 0:
        n -= 1


threads = [threading.Thread(target=countdown, args=(WORK // THREADS,)) for _ in range(THREADS)]
for thread in threads:
    thread.start()
for thread in threads:
    thread.join()
print("done")
