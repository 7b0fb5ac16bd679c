# Exercises: socket.makefile for reading and writing at once ("rwb", "rw"): lines both ways over a socketpair.
import gc
import socket
import threading

a, b = socket.socketpair()
f = a.makefile("rwb")
print(type(f).__name__, f.readable(), f.writable(), f.closed)
b.sendall(b"hi\n")
print("read:", f.readline())
f.write(b"back\n")
f.flush()
print("peer got:", b.recv(100))
b.sendall(b"two\nlines\nand a rest")
b.shutdown(socket.SHUT_WR)
print("lines:", f.readline(), f.readline())
print("rest:", f.read())

# Text over the same pair; the read and write buffers are separate objects.
g = a.makefile("rw", encoding="utf-8", newline="")
print(type(g).__name__, g.mode, type(g.buffer).__name__)
g.write("héllo\n")
g.flush()
print("peer got:", b.recv(100))
f.close()
g.close()
print("socket still open:", a.fileno() >= 0)
a.close()
b.close()
print("after close:", f.closed, g.closed, a.fileno())

# A thread reads from the pair while another writes to it.
a, b = socket.socketpair()
pair = a.makefile("rwb")


def echo_upper(sock):
    with sock, sock.makefile("rwb") as stream:
        for line in stream:
            stream.write(line.upper())
            stream.flush()


t = threading.Thread(target=echo_upper, args=(b,))
t.start()
for word in [b"spam\n", b"eggs\n", b"x" * 10000 + b"\n"]:
    pair.write(word)
    pair.flush()
    answer = pair.readline()
    print(answer[:12], len(answer))
a.shutdown(socket.SHUT_WR)
print("end:", pair.read())
t.join()
pair.close()
a.close()

# A pair dropped unclosed: its reader goes first and closes the socket's file, so the
# bytes its writer holds are never sent (CPython's bufferedrwpair_dealloc).
a, b = socket.socketpair()
dropped = a.makefile("rwb")
dropped.write(b"held in the buffer")
del dropped
gc.collect()
b.setblocking(False)
try:
    print("sent when dropped:", b.recv(100))
except BlockingIOError:
    print("nothing sent when dropped")
a.close()
b.close()
