# Exercises: os.pipe between threads: a blocked reader, EOF, a full pipe, fdopen, BrokenPipeError.
import os
import threading

# A producer thread writes records; the main thread reads until EOF.
r, w = os.pipe()


def producer():
    for i in range(5):
        os.write(w, f"record {i}\n".encode())
    os.close(w)


t = threading.Thread(target=producer)
t.start()
received = b""
while True:
    chunk = os.read(r, 7)
    if not chunk:
        break
    received += chunk
t.join()
print(received.decode().splitlines())
print("after EOF:", os.read(r, 10))
os.close(r)

# A write bigger than the pipe's buffer finishes only as the reader drains it.
r, w = os.pipe()
total = []


def drain():
    got = 0
    while True:
        chunk = os.read(r, 4096)
        if not chunk:
            break
        got += len(chunk)
    total.append(got)


t = threading.Thread(target=drain)
t.start()
print("written:", os.write(w, b"z" * 200_000))
os.close(w)
t.join()
print("drained:", total)
os.close(r)

# File objects over the two ends: lines go through in order.
r, w = os.pipe()


def writer():
    with os.fdopen(w, "w") as out:
        for word in ["alpha", "beta", "gamma"]:
            print(word, file=out, flush=True)


t = threading.Thread(target=writer)
t.start()
with os.fdopen(r) as lines:
    print([line.rstrip("\n") for line in lines])
t.join()

# Nobody reads: the write fails with EPIPE.
r, w = os.pipe()
os.close(r)
try:
    os.write(w, b"hello?")
except BrokenPipeError as exc:
    print("BrokenPipeError", exc.errno, exc.strerror)
os.close(w)
try:
    os.close(w)
except OSError as exc:
    print("closing twice:", exc.strerror)
