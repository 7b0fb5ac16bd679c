# Two threads take and drop a reference to one shared object, with WORK empty loop
# iterations between each update of its count: the updates of each thread come that far
# apart (about 100 ns with none, 300 ns with 20, under gilsim).  A thousand other
# references keep the count far from 0, so that it is never freed, however many updates a
# run without a GIL loses.  Prints one JSON object: the rounds run.
import json
import sys
import threading

ROUNDS = int(sys.argv[1]) if len(sys.argv) > 1 else 4000
WORK = int(sys.argv[2]) if len(sys.argv) > 2 else 0


class Shared:
    pass


shared = Shared()
keep = [shared] * 1000
start = threading.Barrier(2)


def worker():
    start.wait()
    for _ in range(ROUNDS):
        mine = shared
        for _ in range(WORK):
            pass
        del mine
        for _ in range(WORK):
            pass


threads = [threading.Thread(target=worker) for _ in range(2)]
for thread in threads:
    thread.start()
for thread in threads:
    thread.join()
print(json.dumps({"rounds": ROUNDS, "work": WORK}))
