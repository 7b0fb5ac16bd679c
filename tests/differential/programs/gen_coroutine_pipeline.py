# Exercises: generator-based coroutines wired into a push pipeline (send), a priming decorator and explicit close() propagation.
import functools


def coroutine(func):
    @functools.wraps(func)
    def start(*args, **kwargs):
        gen = func(*args, **kwargs)
        next(gen)
        return gen
    return start


@coroutine
def grep(pattern, target):
    try:
        while True:
            line = yield
            if pattern in line:
                target.send(line)
    except GeneratorExit:
        print(f"  grep({pattern!r}) closing downstream")
        target.close()


@coroutine
def uppercase(target):
    try:
        while True:
            line = yield
            target.send(line.upper())
    finally:
        target.close()


@coroutine
def broadcast(targets):
    try:
        while True:
            item = yield
            for t in targets:
                t.send(item)
    finally:
        print(f"  broadcast closing {len(targets)} targets")
        for t in targets:
            t.close()


@coroutine
def collector(name, sink):
    try:
        while True:
            item = yield
            sink.append((name, item))
    finally:
        print(f"  collector {name} finished with {len(sink)} items")


results = []
pipeline = grep("py", uppercase(broadcast([collector("a", results), collector("b", results)])))
for line in ["python rocks", "java", "pypy is fast", "c++", "happy"]:
    pipeline.send(line)
pipeline.close()
print(results)


@coroutine
def running_stats():
    count, total, low, high = 0, 0, None, None
    while True:
        x = yield {"count": count, "total": total, "min": low, "max": high}
        count += 1
        total += x
        low = x if low is None else min(low, x)
        high = x if high is None else max(high, x)


stats = running_stats()
for value in [5, 3, 9, 1]:
    print(stats.send(value))
print(grep.__name__, grep.__wrapped__.__name__)
