# Value's own lock makes each read and each write atomic, not `v.value += 1`
# (docs/model/processes.md §6 item 24): two processes lose updates without get_lock() and
# lose none with it.  They start counting together (a barrier), so that they overlap even on
# a machine whose other core is busy, where the first could otherwise be done before the
# second has begun.
import multiprocessing as mp
import sys

N = int(sys.argv[1]) if len(sys.argv) > 1 else 20000


def add(v, locked, start):
    start.wait()
    for _ in range(N):
        if locked:
            with v.get_lock():
                v.value += 1
        else:
            v.value += 1


if __name__ == "__main__":
    ctx = mp.get_context("fork")
    for locked in (False, True):
        v = ctx.Value("i", 0)
        start = ctx.Barrier(2)
        ps = [ctx.Process(target=add, args=(v, locked, start)) for _ in range(2)]
        for p in ps:
            p.start()
        for p in ps:
            p.join()
        lost = 2 * N - v.value
        print(
            "with get_lock()" if locked else "without get_lock()",
            "lost",
            "none" if lost == 0 else "some",
        )
        print(lost, file=sys.stderr)
