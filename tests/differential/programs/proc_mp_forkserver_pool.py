# The forkserver start method end to end: set_start_method, Queue and Pipe, exit codes, a
# Pool (map, imap, apply_async) and a ProcessPoolExecutor with mp_context (docs/model/processes.md
# §1.4, §6 item 12).
import multiprocessing as mp
import sys
from concurrent.futures import ProcessPoolExecutor


def square(x):
    return x * x


def add(a, b):
    return a + b


def echo(conn):
    while (item := conn.recv()) is not None:
        conn.send(("echo", item))


def fail():
    raise ValueError("the child failed")


def code(n):
    sys.exit(n)


if __name__ == "__main__":
    mp.set_start_method("forkserver")
    print("start method", mp.get_start_method())
    q = mp.Queue()
    p = mp.Process(target=q.put, args=([1, 2, 3],))
    p.start()
    print("queue:", q.get())
    p.join()
    a, b = mp.Pipe()
    p = mp.Process(target=echo, args=(b,))
    p.start()
    for x in ("hi", 2):
        a.send(x)
        print("pipe:", a.recv())
    a.send(None)
    p.join()
    codes = []
    for target, args in ((square, (1,)), (fail, ()), (code, (3,))):
        p = mp.Process(target=target, args=args)
        p.start()
        p.join()
        codes.append(p.exitcode)
    print("exit codes", codes)
    with mp.Pool(2) as pool:
        print("map", pool.map(square, range(10)))
        print("imap", list(pool.imap(square, range(5))))
        print("apply_async", pool.apply_async(add, (2, 3)).get(timeout=5))
    with ProcessPoolExecutor(max_workers=2, mp_context=mp.get_context("forkserver")) as ex:
        print("executor", list(ex.map(square, range(6))))
        print("submit", ex.submit(add, 4, 5).result())
