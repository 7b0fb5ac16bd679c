"""The socket system calls (``gilsim.runtime.netcalls``) take and return plain data: programs
using sockets run with the door's check on (``syscall.PLAIN_DATA_CHECK``), so that a call
passing a kernel object, a shadow or a memoryview fails, and print what CPython prints
(the expected texts are CPython 3.11's on Linux)."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

import gilsim
from gilsim.runtime import netcalls, socketobject, syscall


@pytest.fixture(autouse=True)
def plain_data_check(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(syscall, "PLAIN_DATA_CHECK", True)


def run(tmp_path: Path, source: str, **options):
    path = tmp_path / "main.py"
    path.write_text(textwrap.dedent(source), encoding="utf-8")
    return gilsim.run(path, argv=[str(path)], **options)


def expected(text: str) -> str:
    """What CPython prints, written indented below a line break."""
    return textwrap.dedent(text).lstrip("\n")


TCP = r"""
import errno, os, socket, threading, time

server = socket.create_server(("127.0.0.1", 0))
host, port = server.getsockname()
print("bound", host, port > 0, server.getsockopt(socket.SOL_SOCKET, socket.SO_TYPE))
print(repr(server).startswith("<socket.socket fd="), "laddr=('127.0.0.1'," in repr(server))

def serve():
    conn, peer = server.accept()
    accepted.append((peer[0], conn.getpeername() == peer))
    with conn, conn.makefile("rb") as r, conn.makefile("wb") as w:
        line = r.readline()
        w.write(line.upper())
        w.flush()
    time.sleep(0.01)

accepted = []
t = threading.Thread(target=serve)
t.start()
client = socket.create_connection((host, port), timeout=5)
client.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
print("option", client.getsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY) != 0)
print("raddr", "raddr=('127.0.0.1', %d)" % port in repr(client))
client.sendall(b"hello over tcp\n")
data = b""
while chunk := client.recv(4):
    data += chunk
print("got", data)
t.join()
print("accepted", accepted)
client.close()
print(repr(client).split(", proto")[0])
try:
    client.recv(1)
except OSError as exc:
    print("closed", exc.errno == errno.EBADF)

a, b = socket.socketpair()
print("pair", a.family.name, a.type.name, a.get_inheritable())
a.set_inheritable(True)
print("inheritable", a.get_inheritable())
b.settimeout(0.05)
try:
    b.recv(10)
except TimeoutError as exc:
    print("timeout", exc)
b.setblocking(False)
try:
    b.recv(10)
except BlockingIOError:
    print("would block")
b.setblocking(True)
c = a.dup()
d = socket.fromfd(b.fileno(), socket.AF_UNIX, socket.SOCK_STREAM)
c.send(b"via dup")
print("fromfd", d.gettimeout(), b.recv(100))
a.shutdown(socket.SHUT_WR)
c.close()
a.close()
print("eof", d.recv(100))
with socket.socket(fileno=d.detach()) as e:
    print("adopted", e.family.name, e.recv(10))
b.close()

server.close()
socket.setdefaulttimeout(2.5)
s = socket.socket()
print("default", socket.getdefaulttimeout(), s.gettimeout())
socket.setdefaulttimeout(None)
try:
    s.connect(("127.0.0.1", port))
except ConnectionRefusedError as exc:
    print("refused", exc.errno == errno.ECONNREFUSED)
print("connect_ex", socket.socket().connect_ex(("127.0.0.1", port)) == errno.ECONNREFUSED)
s.close()
"""


def test_tcp_and_socketpair_calls_cross_as_plain_data(tmp_path):
    """Creating, binding, listening, accepting, connecting (refused, with a timeout),
    sending, receiving (through ``makefile`` too), options, names, ``repr``, timeouts,
    non-blocking calls, ``dup``, ``fromfd``, ``socket(fileno=)``, ``shutdown`` and
    ``close``, each a system call with plain data."""
    result = run(tmp_path, TCP)
    assert result.exit_status == 0, result.stderr
    assert result.stdout == expected(
        r"""
        bound 127.0.0.1 True 1
        True True
        option True
        raddr True
        got b'HELLO OVER TCP\n'
        accepted [('127.0.0.1', True)]
        <socket.socket [closed] fd=-1, family=2, type=1
        closed True
        pair AF_UNIX SOCK_STREAM False
        inheritable True
        timeout timed out
        would block
        fromfd None b'via dup'
        eof b''
        adopted AF_UNIX b''
        default 2.5 2.5
        refused True
        connect_ex True
        """
    )


SCM_RIGHTS = r"""
import array, errno, os, socket, threading

a, b = socket.socketpair()
r, w = os.pipe()
r2, w2 = os.pipe()

def sender():
    socket.send_fds(a, [b"two fds"], [r, w])
    a.sendmsg([b"three"], [(socket.SOL_SOCKET, socket.SCM_RIGHTS, array.array("i", [r2, w2, r2]))])
    a.sendmsg([b"plain"])

t = threading.Thread(target=sender)
t.start()
msg, fds, flags, addr = socket.recv_fds(b, 100, 2)
print(msg, len(fds), flags, addr, fds[0] not in (r, w))
os.write(fds[1], b"through a passed fd")
print(os.read(r, 100))
msg, anc, flags, addr = b.recvmsg(100, socket.CMSG_SPACE(4))
print(msg, len(anc), flags == socket.MSG_CTRUNC, [len(item[2]) for item in anc])
print(b.recvmsg(100))
t.join()
try:
    a.sendmsg([b"x"], [(socket.SOL_SOCKET, socket.SCM_RIGHTS, array.array("i", [999]))])
except OSError as exc:
    print("bad fd", exc.errno)
try:
    a.sendmsg([b"x"], [], 0, "\0somewhere")
except OSError as exc:
    print("to an address", exc.errno == errno.EISCONN)
for fd in fds + [r, w, r2, w2]:
    os.close(fd)
fd = array.array("i", anc[0][2])[0]
os.close(fd)
a.close()
b.close()
"""


def test_descriptors_cross_as_numbers(tmp_path):
    """``sendmsg`` hands the kernel descriptor numbers, ``recvmsg`` gets back the numbers
    installed in the receiver (those that did not fit closed: ``MSG_CTRUNC``); a number
    naming nothing is EBADF; a connected socket refuses an address (EISCONN)."""
    result = run(tmp_path, SCM_RIGHTS)
    assert result.exit_status == 0, result.stderr
    assert result.stdout == expected(
        r"""
        b'two fds' 2 0 None True
        b'through a passed fd'
        b'three' 1 True [8]
        (b'plain', [], 0, None)
        bad fd 9
        to an address True
        """
    )


FORK = r"""
import os, socket, tempfile

d = tempfile.mkdtemp()
path = os.path.join(d, "s")
listener = socket.socket(socket.AF_UNIX)
listener.bind(path)
listener.listen()
a, b = socket.socketpair()
pid = os.fork()
if pid == 0:
    listener.close()
    r, w = os.pipe()
    os.write(w, b"from the child's pipe")
    os.close(w)
    socket.send_fds(a, [b"fd"], [r])
    with socket.socket(socket.AF_UNIX) as c:
        c.connect(path)
        c.sendall(b"child connected")
    os._exit(0)
msg, fds, flags, addr = socket.recv_fds(b, 10, 1)
print(msg, len(fds), os.read(fds[0], 100))
conn, address = listener.accept()
print(repr(address), conn.recv(100))
os.waitpid(pid, 0)
for s in (conn, listener, a, b):
    s.close()
os.close(fds[0])
os.unlink(path)
os.rmdir(d)
"""


def test_a_child_passes_a_descriptor_and_connects_by_path(tmp_path):
    """A fork child's sockets are its parent's descriptors: it sends a pipe's read end
    over a socketpair and connects to its parent's AF_UNIX listener."""
    result = run(tmp_path, FORK)
    assert result.exit_status == 0, result.stderr
    assert result.stdout == expected(
        r"""
        b'fd' 1 b"from the child's pipe"
        '' b'child connected'
        """
    )


def test_the_check_catches_a_memoryview_sent_to_the_kernel(tmp_path, monkeypatch):
    """A ``send`` handing the kernel the program's memoryview instead of bytes fails at
    the door."""

    def send(self, data, flags=0):
        return self._call("send", netcalls.send, memoryview(data))

    monkeypatch.setattr(socketobject.socket, "send", send)
    result = run(tmp_path, "import socket\na, b = socket.socketpair()\na.send(b'x')\n")
    assert result.exit_status != 0
    assert "send's arguments hold a memoryview, which is not plain data" in result.stderr
