# A multiprocessing Pool (map, imap, apply_async) and a ProcessPoolExecutor, with fork.
import multiprocessing as mp
from concurrent.futures import ProcessPoolExecutor


def square(x):
    return x * x


def add(a, b):
    return a + b


if __name__ == "__main__":
    ctx = mp.get_context("fork")
    with ctx.Pool(2) as pool:
        print("map", pool.map(square, range(10)))
        print("imap", list(pool.imap(square, range(5))))
        print("apply_async", pool.apply_async(add, (2, 3)).get(timeout=5))
    with ProcessPoolExecutor(max_workers=2, mp_context=ctx) as ex:
        print("executor", list(ex.map(square, range(6))))
        print("submit", ex.submit(add, 4, 5).result())
