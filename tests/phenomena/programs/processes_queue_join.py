# A child that put more than a pipe holds cannot end until someone reads
# (docs/model/processes.md §6 item 23): joining it before reading waits for ever.
import multiprocessing as mp


def fill(q):
    q.put(b"x" * 1_000_000)


if __name__ == "__main__":
    ctx = mp.get_context("fork")
    q = ctx.Queue()
    p = ctx.Process(target=fill, args=(q,))
    p.start()
    p.join()  # never returns: the child's feeder thread waits for room in the pipe
    print(len(q.get()))
