# What starting and joining an empty child costs (docs/model/processes.md §6 items 18-19), by start
# method, and how fork's cost grows with the parent's memory; forkserver's first start, which
# launches the server, apart.  Prints JSON (milliseconds).
import json
import multiprocessing as mp
import os
import time


def nothing():
    pass


def start_join(method):
    ctx = mp.get_context(method)
    best = None
    for _ in range(3):
        t0 = time.perf_counter()
        p = ctx.Process(target=nothing)
        p.start()
        t1 = time.perf_counter()
        p.join()
        t2 = time.perf_counter()
        if best is None or t2 - t0 < best[1]:
            best = (t1 - t0, t2 - t0)
    return {"start_ms": best[0] * 1e3, "join_ms": best[1] * 1e3}


def first_start_join_ms(method):
    t0 = time.perf_counter()
    p = mp.get_context(method).Process(target=nothing)
    p.start()
    p.join()
    return (time.perf_counter() - t0) * 1e3


def raw_fork_ms():
    t0 = time.perf_counter()
    pid = os.fork()
    if pid == 0:
        os._exit(0)
    os.waitpid(pid, 0)
    return (time.perf_counter() - t0) * 1e3


if __name__ == "__main__":
    first = first_start_join_ms("forkserver")  # the server is launched in a fresh program
    figures = {method: start_join(method) for method in ("fork", "spawn", "forkserver")}
    figures["forkserver"]["first_ms"] = first
    small = raw_fork_ms()
    blob = b"x" * (256 << 20)
    figures["raw_fork_ms"] = {"small": small, "256MiB": raw_fork_ms()}
    del blob
    print(json.dumps(figures))
