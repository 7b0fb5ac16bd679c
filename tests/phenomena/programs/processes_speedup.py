# CPU-bound work split in two halves (spec/processes.md §6 item 20): sequentially, in two
# threads, in two fork processes, in two spawn processes and in two forkserver processes
# (the server started beforehand, as in the spec's runs).  Prints the wall times as JSON.
import json
import multiprocessing as mp
import sys
import threading
import time

N = int(sys.argv[1]) if len(sys.argv) > 1 else 400_000


def work(n):
    total = 0
    for i in range(n):
        total += i * i
    return total


def timed(run):
    start = time.perf_counter()
    run()
    return time.perf_counter() - start


def in_threads():
    threads = [threading.Thread(target=work, args=(N // 2,)) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()


def start_server():
    p = mp.get_context("forkserver").Process(target=work, args=(0,))
    p.start()
    p.join()


def in_processes(method):
    ctx = mp.get_context(method)
    procs = [ctx.Process(target=work, args=(N // 2,)) for _ in range(2)]
    for p in procs:
        p.start()
    for p in procs:
        p.join()


if __name__ == "__main__":
    figures = {
        "sequential": timed(lambda: work(N)),
        "threads": timed(in_threads),
        "fork": timed(lambda: in_processes("fork")),
        "spawn": timed(lambda: in_processes("spawn")),
    }
    start_server()
    figures["forkserver"] = timed(lambda: in_processes("forkserver"))
    print(json.dumps(figures))
