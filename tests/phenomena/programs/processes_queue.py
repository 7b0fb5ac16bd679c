# Queue.put returns before the object is pickled (docs/model/processes.md §6 item 22): the feeder
# thread pickles it later, so a change made right after put() reaches the receiver.
import multiprocessing as mp


def receive(q, out):
    out.put(q.get())


if __name__ == "__main__":
    ctx = mp.get_context("fork")
    q, out = ctx.Queue(), ctx.Queue()
    p = ctx.Process(target=receive, args=(q, out))
    p.start()
    item = [1, 2]
    q.put(item)
    item.append("changed after put")
    print("receiver got:", out.get())
    p.join()
