# Exercises: a tiny round-robin scheduler for coroutines with sleep-by-ticks and task results.
from collections import deque


class Sleep:
    def __init__(self, ticks):
        self.ticks = ticks

    def __await__(self):
        yield ("sleep", self.ticks)


class Scheduler:
    def __init__(self):
        self.ready = deque()
        self.sleeping = []
        self.clock = 0
        self.results = {}

    def spawn(self, name, coro):
        self.ready.append((name, coro))

    def run(self):
        while self.ready or self.sleeping:
            if not self.ready:
                self.clock = min(wake for wake, _, _ in self.sleeping)
                due = [s for s in self.sleeping if s[0] <= self.clock]
                self.sleeping = [s for s in self.sleeping if s[0] > self.clock]
                for _, name, coro in sorted(due, key=lambda s: (s[0], s[1])):
                    self.ready.append((name, coro))
            name, coro = self.ready.popleft()
            try:
                cmd, arg = coro.send(None)
            except StopIteration as stop:
                print(f"[t={self.clock}] {name} finished -> {stop.value!r}")
                self.results[name] = stop.value
                continue
            if cmd == "sleep":
                self.sleeping.append((self.clock + arg, name, coro))
        return self.results


async def worker(name, delays):
    total = 0
    for d in delays:
        print(f"  {name} sleeping {d}")
        await Sleep(d)
        total += d
    return f"{name} slept {total}"


async def counter(limit):
    n = 0
    while n < limit:
        n += 1
        print(f"  counter at {n}")
        await Sleep(1)
    return n


async def parent():
    print("  parent start")
    r = await worker("child", [2, 1])
    print("  parent got", r)
    return "parent ok"


s = Scheduler()
s.spawn("A", worker("A", [3, 1]))
s.spawn("B", worker("B", [1, 1, 1]))
s.spawn("C", counter(4))
s.spawn("P", parent())
results = s.run()
print(sorted(results.items()))
print("final clock:", s.clock)
