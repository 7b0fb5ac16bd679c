# Exercises: threading.local storage and concurrent.futures.ThreadPoolExecutor (map, submit, exceptions).
import concurrent.futures
import threading

local = threading.local()
local.name = "main"
seen = {}
seen_lock = threading.Lock()


def remember(tag):
    local.name = tag
    value = getattr(local, "name")
    with seen_lock:
        seen[tag] = value


threads = [threading.Thread(target=remember, args=(f"t{i}",)) for i in range(3)]
for t in threads:
    t.start()
for t in threads:
    t.join()
print("main thread still sees:", local.name, "| threads saw:", sorted(seen.items()))


def slow_square(x):
    return x * x


def may_fail(x):
    if x == 3:
        raise ValueError(f"cannot handle {x}")
    return x + 100


with concurrent.futures.ThreadPoolExecutor(max_workers=4) as pool:
    print(list(pool.map(slow_square, range(10))))
    futures = {pool.submit(may_fail, x): x for x in range(5)}
    outcomes = []
    for fut in futures:
        x = futures[fut]
        try:
            outcomes.append((x, fut.result()))
        except ValueError as e:
            outcomes.append((x, f"error: {e}"))
    print(outcomes)
    done = [f.done() for f in futures]
    print("all done:", all(done))
    f = pool.submit(sum, [1, 2, 3])
    print("submitted sum ->", f.result(), f.exception())
    bad = pool.submit(may_fail, 3)
    print("exception object:", repr(bad.exception()))
print("pool shut down")
