# Exercises: asyncio with threads: to_thread and run_in_executor results, an asyncio.Queue between tasks, timeouts, and the loop's clock (sleeps add up, whatever the host).
import asyncio
import functools
import threading


def blocking_sum(n):
    return sum(range(n)), threading.current_thread().name.rstrip("0123456789")


async def producer(queue, items):
    for item in items:
        await asyncio.sleep(0.01)
        await queue.put(item)
    await queue.put(None)


async def consumer(queue):
    seen = []
    while (item := await queue.get()) is not None:
        seen.append(item)
    return seen


async def main():
    loop = asyncio.get_running_loop()
    start = loop.time()
    print("to_thread:", await asyncio.to_thread(blocking_sum, 1000))
    print("executor:", await loop.run_in_executor(None, functools.partial(blocking_sum, 10)))
    queue = asyncio.Queue()
    _, seen = await asyncio.gather(producer(queue, [1, 2, 3]), consumer(queue))
    print("queue:", seen)
    try:
        await asyncio.wait_for(asyncio.sleep(10), timeout=0.05)
    except TimeoutError:
        print("wait_for timed out")
    await asyncio.sleep(0.2)
    elapsed = loop.time() - start
    print("the loop's clock moved at least 0.28 s:", elapsed >= 0.28)


asyncio.run(main())
