# Exercises: bind() of AF_UNIX sockets that are connected already: a socketpair's, a client's (allowed), an accepted one's (EINVAL).
import os
import socket
import tempfile

name = f"\0gilsim-differential-{os.getpid()}"
a, b = socket.socketpair()
print("unbound:", repr(a.getsockname()), repr(b.getpeername()))
a.bind(name)
print("bound:", a.getsockname() == name.encode(), b.getpeername() == name.encode())
print("repr:", "laddr=" in repr(a), "raddr=" in repr(b))
try:
    a.bind(name + "-again")
except OSError as exc:
    print("bound twice:", type(exc).__name__, exc.errno, exc)
try:
    b.bind(name)
except OSError as exc:
    print("name in use:", type(exc).__name__, exc.errno, exc)
try:
    socket.socket(socket.AF_UNIX).connect(name)
except OSError as exc:
    print("not listening:", type(exc).__name__, exc.errno, exc)
a.sendall(b"still connected")
print(b.recv(100))

with tempfile.TemporaryDirectory() as directory:
    path = os.path.join(directory, "pair")
    b.bind(path)
    print("path:", b.getsockname() == path, a.getpeername() == path, os.path.exists(path))
    a.close()
    b.close()

    listener = socket.socket(socket.AF_UNIX)
    listener.bind(os.path.join(directory, "listener"))
    listener.listen()
    client = socket.socket(socket.AF_UNIX)
    client.connect(os.path.join(directory, "listener"))
    accepted, address = listener.accept()
    print("accepted from:", repr(address))
    client.bind(name + "-client")
    print("client bound:", client.getsockname() == (name + "-client").encode())
    print("seen by the accepted:", accepted.getpeername() == (name + "-client").encode())
    try:
        accepted.bind(name + "-accepted")
    except OSError as exc:
        print("accepted:", type(exc).__name__, exc.errno, exc)
    for sock in (listener, client, accepted):
        sock.close()
