# Exercises: threading.Event and Condition used to force a deterministic ping-pong order between threads.
import threading

ping_turn = threading.Event()
pong_turn = threading.Event()
log = []


def ping():
    for i in range(4):
        ping_turn.wait()
        ping_turn.clear()
        print(f"ping {i}")
        pong_turn.set()


def pong():
    for i in range(4):
        pong_turn.wait()
        pong_turn.clear()
        print(f"  pong {i}")
        ping_turn.set()


threads = [threading.Thread(target=ping), threading.Thread(target=pong)]
for t in threads:
    t.start()
ping_turn.set()
for t in threads:
    t.join()
print("rally finished")

cond = threading.Condition()
items = []


def consumer(n):
    got = []
    with cond:
        while len(got) < n:
            cond.wait_for(lambda: items)
            got.append(items.pop(0))
    print("consumer got", got)


c = threading.Thread(target=consumer, args=(3,))
c.start()
for value in ["a", "b", "c"]:
    with cond:
        items.append(value)
        cond.notify()
c.join()
barrier = threading.Barrier(3)
arrivals = []
arrivals_lock = threading.Lock()


def runner(name):
    with arrivals_lock:
        arrivals.append(name)
    barrier.wait()


rs = [threading.Thread(target=runner, args=(n,)) for n in "xy"]
for r in rs:
    r.start()
barrier.wait()
for r in rs:
    r.join()
print("barrier passed by", sorted(arrivals), "broken:", barrier.broken)
e = threading.Event()
print("wait with timeout on unset event:", e.wait(timeout=0.001), e.is_set())
