# CPU-bound work split in two halves (docs/model/processes.md §6 item 20): sequentially, in two
# threads, in two fork processes, in two spawn processes and in two forkserver processes.
# Each start method has started a process before it is timed: a method's first start loads
# its machinery (fork's ``popen_fork`` and ``util``, which imports ``subprocess``: about
# 5 ms), spawn's launches the resource tracker, forkserver's its server; the spec's runs
# timed the work, not these.  Prints the wall times as JSON.
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


def timed(run, *args):
    start = time.perf_counter()
    run(*args)
    return time.perf_counter() - start


def in_threads():
    threads = [threading.Thread(target=work, args=(N // 2,)) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()


def warm_up(method):
    p = mp.get_context(method).Process(target=work, args=(0,))
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
    figures = {"sequential": timed(work, N), "threads": timed(in_threads)}
    for method in ("fork", "spawn", "forkserver"):
        warm_up(method)
        figures[method] = timed(in_processes, method)
    print(json.dumps(figures))
