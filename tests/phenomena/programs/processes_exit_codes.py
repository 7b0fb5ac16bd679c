# Exit codes of multiprocessing children (docs/model/processes.md §6 item 12), under fork, spawn
# and forkserver: 0 on return, the sys.exit() code, 1 after an uncaught exception (its
# traceback on standard error), -15 when terminate() sends SIGTERM.
import multiprocessing as mp
import sys
import time


def returns():
    pass


def exits():
    sys.exit(3)


def raises():
    raise ValueError("the child failed")


def sleeps():
    time.sleep(10)


if __name__ == "__main__":
    for method in ("fork", "spawn", "forkserver"):
        ctx = mp.get_context(method)
        codes = []
        for target in (returns, exits, raises, sleeps):
            p = ctx.Process(target=target, name=f"{method}-{target.__name__}")
            p.start()
            if target is sleeps:
                time.sleep(0.2 if method == "fork" else 0.5)
                p.terminate()
            p.join()
            codes.append(p.exitcode)
        print(method, codes)
