# multiprocessing with the fork start method: Queue, Pipe, Value with and without its lock,
# and the exit codes a Process reports (0, an uncaught exception's 1, sys.exit's code).
import multiprocessing as mp
import sys


def producer(q, n):
    for i in range(n):
        q.put(i * i)
    q.put(None)


def echo(conn):
    while True:
        item = conn.recv()
        if item is None:
            break
        conn.send(("echo", item))
    conn.close()


def add(v, n, locked):
    for _ in range(n):
        if locked:
            with v.get_lock():
                v.value += 1
        else:
            v.value += 1


def fail():
    raise ValueError("boom")


def code(n):
    sys.exit(n)


if __name__ == "__main__":
    mp.set_start_method("fork")
    q = mp.Queue()
    p = mp.Process(target=producer, args=(q, 5))
    p.start()
    got = []
    while (item := q.get()) is not None:
        got.append(item)
    p.join()
    print("queue:", got, p.exitcode)

    a, b = mp.Pipe()
    p = mp.Process(target=echo, args=(b,))
    p.start()
    for x in ("hi", 2, [3]):
        a.send(x)
        print("pipe:", a.recv())
    a.send(None)
    p.join()

    v = mp.Value("i", 0)
    ps = [mp.Process(target=add, args=(v, 2000, True)) for _ in range(2)]
    for p in ps:
        p.start()
    for p in ps:
        p.join()
    print("value with its lock:", v.value)

    for target, args in ((fail, ()), (code, (3,))):
        p = mp.Process(target=target, args=args, name="Worker")
        p.start()
        p.join()
        print("exitcode", p.exitcode)
    print("active", mp.active_children())
