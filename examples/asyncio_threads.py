"""asyncio, threads and the GIL together: an event loop that sleeps, hands blocking work to a
thread pool (``asyncio.to_thread``) and logs from both (docs/model/gil.md §4: a sleep and a
blocked lock release the GIL).

    python3 examples/asyncio_threads.py
    gilsim run examples/asyncio_threads.py

On Python 3.12 and 3.13 gilsim runs this on the host's own interpreter: asyncio's event
loop, its selector and its clock read the simulated machine, so ``asyncio.sleep(0.3)`` takes
0.3 s of virtual time and no time at all of yours, and the worker threads are simulated
threads taking turns with the GIL.  What it prints on stdout is the same either way; the
timings go to stderr.
"""

import asyncio
import logging
import sys
import threading
import time


def checksum(n):
    """CPU-bound work for a worker thread: it holds the GIL while it computes."""
    total = 0
    for i in range(n):
        total = (total * 31 + i) % 1_000_003
    logging.info("checksum of %d done", n)
    return total


async def ticker(ticks):
    for tick in range(ticks):
        await asyncio.sleep(0.01)
        logging.info("tick %d", tick)


async def main():
    start = time.perf_counter()
    await asyncio.sleep(0.3)
    slept = time.perf_counter() - start
    results = await asyncio.gather(
        asyncio.to_thread(checksum, 20_000),
        asyncio.to_thread(checksum, 30_000),
        ticker(3),
    )
    print("checksums:", results[:2])
    return slept, time.perf_counter() - start


class Collected(logging.Handler):
    """Keeps each record's thread and message: which pool thread ran which checksum, and
    in what order the ticks and the checksums ended, depend on the machine."""

    def __init__(self):
        super().__init__()
        self.lines = []

    def emit(self, record):
        who = record.threadName.rstrip("0123456789")
        self.lines.append(f"{who}: {record.getMessage()}")


collected = Collected()
logging.basicConfig(level=logging.INFO, handlers=[collected])
slept, total = asyncio.run(main())
print("logged:", *sorted(collected.lines), sep="\n  ")
print("threads left:", [t.name for t in threading.enumerate()])
print(f"slept {slept:.2f} s of {total:.2f} s", file=sys.stderr)
