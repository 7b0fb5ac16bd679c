# Shared memory under forkserver: a Value and an Array live in an arena (a file mapped with
# mmap), whose descriptor each start() passes to the server over its socket (SCM_RIGHTS); the
# server forks, then closes its copy, and the child maps the arena through its own.
import multiprocessing as mp


def bump(counter, cells, lock, n, index):
    for _ in range(n):
        with lock:
            counter.value += 1
    cells[index] = index * 10


if __name__ == "__main__":
    ctx = mp.get_context("forkserver")
    counter = ctx.Value("i", 0, lock=False)
    cells = ctx.Array("d", 3)
    lock = ctx.Lock()
    procs = [ctx.Process(target=bump, args=(counter, cells, lock, 300, i)) for i in range(3)]
    for p in procs:
        p.start()
    for p in procs:
        p.join()
    print(counter.value, list(cells), [p.exitcode for p in procs])
    p = ctx.Process(target=bump, args=(counter, cells, lock, 1, 0))
    p.start()
    p.join()
    print("again:", counter.value, cells[0], p.exitcode)
