# Exercises: asyncio.run with gather, create_task, Queue, Event, wait_for timeout and task cancellation.
import asyncio


async def compute(name, n):
    total = 0
    for i in range(n):
        total += i
        await asyncio.sleep(0)
    print(f"  {name} done")
    return name, total


async def producer(queue, items):
    for item in items:
        await queue.put(item)
        print("  produced", item)
    await queue.put(None)


async def consumer(queue, out):
    while True:
        item = await queue.get()
        if item is None:
            break
        out.append(item * 10)
        print("  consumed", item)


async def waiter(event, log):
    log.append("waiting")
    await event.wait()
    log.append("released")


async def forever():
    try:
        while True:
            await asyncio.sleep(0)
    except asyncio.CancelledError:
        print("  forever was cancelled")
        raise


async def main():
    results = await asyncio.gather(compute("a", 3), compute("b", 1), compute("c", 2))
    print("gather:", results)
    queue = asyncio.Queue(maxsize=2)
    out = []
    await asyncio.gather(producer(queue, [1, 2, 3]), consumer(queue, out))
    print("queue output:", out)
    event = asyncio.Event()
    log = []
    task = asyncio.create_task(waiter(event, log))
    await asyncio.sleep(0)
    log.append("setting")
    event.set()
    await task
    print("event log:", log)
    f = asyncio.create_task(forever())
    await asyncio.sleep(0)
    f.cancel()
    try:
        await f
    except asyncio.CancelledError:
        print("cancelled:", f.cancelled())
    try:
        await asyncio.wait_for(asyncio.Event().wait(), timeout=0.01)
    except asyncio.TimeoutError:
        print("wait_for timed out")
    failing = await asyncio.gather(compute("d", 1), asyncio.sleep(0, result="slept"), return_exceptions=True)
    print(failing)
    return "main finished"


print(asyncio.run(main()))
