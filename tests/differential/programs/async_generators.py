# Exercises: async generators, async for, async with, async comprehensions, driven by asyncio.run.
import asyncio
import contextlib


async def ticker(n):
    for i in range(n):
        await asyncio.sleep(0)
        yield i


async def squares(source):
    async for x in source:
        yield x * x


class AsyncResource:
    def __init__(self, name):
        self.name = name

    async def __aenter__(self):
        print(f"  open {self.name}")
        await asyncio.sleep(0)
        return self

    async def __aexit__(self, exc_type, exc, tb):
        print(f"  close {self.name} exc={exc_type.__name__ if exc_type else None}")
        return exc_type is KeyError


class AsyncCounter:
    def __init__(self, stop):
        self.i = 0
        self.stop = stop

    def __aiter__(self):
        return self

    async def __anext__(self):
        if self.i >= self.stop:
            raise StopAsyncIteration
        self.i += 1
        return self.i


@contextlib.asynccontextmanager
async def transaction(log):
    log.append("begin")
    try:
        yield log
        log.append("commit")
    except ValueError:
        log.append("rollback")


async def main():
    async for v in ticker(3):
        print("tick", v)
    print([x async for x in squares(ticker(5))])
    print({x: x % 2 async for x in AsyncCounter(4)})
    async with AsyncResource("db") as res:
        print("  using", res.name)
    async with AsyncResource("cache"):
        raise KeyError("suppressed by __aexit__")
    print("after suppression")
    log = []
    async with transaction(log):
        log.append("work")
    async with transaction(log):
        raise ValueError("boom")
    print(log)
    agen = ticker(10)
    print(await agen.__anext__(), await agen.__anext__())
    await agen.aclose()
    print(type(agen).__name__, [i async for i in AsyncCounter(3) if i != 2])
    total = 0
    async for n in AsyncCounter(100):
        if n > 10:
            break
        total += n
    print("total", total)


asyncio.run(main())
