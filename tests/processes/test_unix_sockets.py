"""AF_UNIX stream sockets bound to names (``gilsim.runtime.unixsockets``) and descriptors
passed over them (``SCM_RIGHTS``: ``gilsim.runtime.socketmsg``), between simulated processes.
Each program prints what it printed under CPython 3.11 on Linux, which the expected text
is."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from pathlib import Path

import gilsim


def run(tmp_path: Path, source: str, **options):
    path = tmp_path / "main.py"
    path.write_text(textwrap.dedent(source), encoding="utf-8")
    return gilsim.run(path, argv=[str(path)], **options)


PATH_SOCKETS = """
import os, socket, stat, tempfile

d = tempfile.mkdtemp()
path = os.path.join(d, "listener")
listener = socket.socket(socket.AF_UNIX)
print(repr(listener.getsockname()))
listener.bind(path)
os.chmod(path, 0o600)
info = os.stat(path)
print(stat.S_ISSOCK(info.st_mode), oct(info.st_mode & 0o777), listener.getsockname() == path)
for address in (path, os.path.join(d, "no", "dir")):
    try:
        socket.socket(socket.AF_UNIX).bind(address)
    except OSError as exc:
        print(type(exc).__name__, exc)
client = socket.socket(socket.AF_UNIX)
for address in (path, os.path.join(d, "missing")):
    try:
        client.connect(address)
    except OSError as exc:
        print(type(exc).__name__, exc)
listener.listen()
pid = os.fork()
if pid == 0:
    listener.close()
    with socket.socket(socket.AF_UNIX) as c:
        c.connect(path)
        c.sendall(b"child: %r %r" % (c.getsockname(), c.getpeername() == path))
    os._exit(0)
conn, address = listener.accept()
data = b""
while chunk := conn.recv(100):
    data += chunk
os.waitpid(pid, 0)
print("parent:", repr(address), conn.getsockname() == path, repr(conn.getpeername()))
print(data.decode())
conn.close()
listener.close()
print(os.path.exists(path))
try:
    client.connect(path)
except OSError as exc:
    print(type(exc).__name__, exc)
os.unlink(path)
os.rmdir(d)
"""


def test_a_socket_bound_to_a_path_is_a_file_another_process_connects_to(tmp_path):
    """bind makes the socket file (chmod works on it, a second bind to it is EADDRINUSE, a
    missing directory ENOENT); a socket bound and not listening refuses; a child connects
    to its parent's listener by the path; the file stays after the socket closes, and
    refuses from then on."""
    result = run(tmp_path, PATH_SOCKETS)
    assert result.stdout == (
        "''\n"
        "True 0o600 True\n"
        "OSError [Errno 98] Address already in use\n"
        "FileNotFoundError [Errno 2] No such file or directory\n"
        "ConnectionRefusedError [Errno 111] Connection refused\n"
        "FileNotFoundError [Errno 2] No such file or directory\n"
        "parent: '' True ''\n"
        "child: '' True\n"
        "True\n"
        "ConnectionRefusedError [Errno 111] Connection refused\n"
    ), result.stderr


def test_abstract_names_and_autobind(tmp_path):
    """A name with a leading NUL is no file and is free again once its socket closes;
    binding to "" picks one (a NUL and five hex digits); listen() needs a name; send()
    needs a connection (ENOTCONN, where TCP says EPIPE)."""
    result = run(
        tmp_path,
        """
        import os, socket
        a = socket.socket(socket.AF_UNIX)
        try:
            a.listen()
        except OSError as exc:
            print(exc)
        a.bind("\\0gilsim-test")
        print(a.getsockname())
        b = socket.socket(socket.AF_UNIX)
        try:
            b.bind(b"\\0gilsim-test")
        except OSError as exc:
            print(exc)
        a.listen()
        b.connect("\\0gilsim-test")
        print(b.getpeername(), a.accept()[1] == "")
        a.close()
        c = socket.socket(socket.AF_UNIX)
        c.bind("\\0gilsim-test")
        auto = socket.socket(socket.AF_UNIX)
        auto.bind("")
        name = auto.getsockname()
        print(len(name), name[:1], int(name[1:], 16) < 1 << 20)
        try:
            socket.socket(socket.AF_UNIX).bind("x" * 200)
        except OSError as exc:
            print(exc)
        try:
            socket.socket(socket.AF_UNIX).send(b"not connected")
        except OSError as exc:
            print(exc)
        """,
    )
    assert result.stdout == (
        "[Errno 22] Invalid argument\n"
        "b'\\x00gilsim-test'\n"
        "[Errno 98] Address already in use\n"
        "b'\\x00gilsim-test' True\n"
        "6 b'\\x00' True\n"
        "AF_UNIX path too long\n"
        "[Errno 107] Transport endpoint is not connected\n"
    ), result.stderr


def test_a_socket_object_over_an_existing_descriptor(tmp_path):
    """socket(fileno=fd) owns the descriptor it is given and finds its family; fromfd and
    dup make new descriptors; a descriptor that is no socket is ENOTSOCK."""
    result = run(
        tmp_path,
        """
        import os, socket
        a, b = socket.socketpair()
        s = socket.socket(fileno=os.dup(a.fileno()))
        print(s.family == socket.AF_UNIX, s.type == socket.SOCK_STREAM)
        s.sendall(b"one")
        print(b.recv(10))
        t = socket.fromfd(a.fileno(), socket.AF_UNIX, socket.SOCK_STREAM)
        u = t.dup()
        s.close(); t.close(); a.close()
        u.sendall(b"two")
        print(b.recv(10), u.fileno() != a.fileno())
        u.close()
        print(b.recv(10))
        r, w = os.pipe()
        for fd in (r, -1):
            try:
                socket.socket(socket.AF_UNIX, fileno=fd)
            except (OSError, ValueError) as exc:
                print(type(exc).__name__, exc)
        """,
    )
    assert result.stdout == (
        "True True\n"
        "b'one'\n"
        "b'two' True\n"
        "b''\n"
        "OSError [Errno 88] Socket operation on non-socket\n"
        "ValueError negative file descriptor\n"
    ), result.stderr


PASSING = """
import array, os, socket
from multiprocessing import reduction

print("HAVE_SEND_HANDLE", reduction.HAVE_SEND_HANDLE)
a, b = socket.socketpair()
pid = os.fork()
if pid == 0:
    a.close()
    (fd,) = reduction.recvfds(b, 1)
    print("child read", os.read(fd, 100))
    os.close(fd)
    msg, ancdata, flags, address = b.recvmsg(1, socket.CMSG_LEN(4))
    fds = array.array("i")
    fds.frombytes(ancdata[0][2])
    print("child got", msg, len(fds), "descriptor, flags", flags == socket.MSG_CTRUNC, address)
    b.send(b"k")
    b.recv(1)
    os.close(fds[0])
    os._exit(0)
b.close()
r, w = os.pipe()
reduction.sendfds(a, [r])
os.close(r)  # the message in flight still holds the read end
os.write(w, b"written after the sender closed its read end")
r1, w1 = os.pipe()
r2, w2 = os.pipe()
a.sendmsg([b"m"], [(socket.SOL_SOCKET, socket.SCM_RIGHTS, array.array("i", [r1, r2]))])
os.close(r1)
os.close(r2)
a.recv(1)
for name, fd in (("second", w2), ("first", w1)):
    try:
        os.write(fd, b"x")
        print(name, "read end: still open")
    except BrokenPipeError:
        print(name, "read end: closed")
a.send(b"k")
os.waitpid(pid, 0)
for name, fd in (("first, after the child closed it", w1),):
    try:
        os.write(fd, b"x")
        print(name, "still open")
    except BrokenPipeError:
        print(name, "closed")
try:
    a.sendmsg([b"x"], [(socket.SOL_SOCKET, socket.SCM_RIGHTS, array.array("i", [r]))])
except OSError as exc:
    print(type(exc).__name__, exc)
"""


def test_a_descriptor_passed_to_another_process_names_the_same_pipe(tmp_path):
    """The child reads the pipe its parent passed (multiprocessing.reduction's sendfds and
    recvfds, with HAVE_SEND_HANDLE true); the message holds the read end open after the
    sender closed its descriptor; descriptors that do not fit in the ancillary buffer are
    closed (MSG_CTRUNC): the second pipe has no reader left, the first one until the
    child closes it; a descriptor closed already is EBADF."""
    result = run(tmp_path, PASSING)
    assert result.stdout == (
        "HAVE_SEND_HANDLE True\n"
        "child read b'written after the sender closed its read end'\n"
        "child got b'm' 1 descriptor, flags True None\n"
        "second read end: closed\n"
        "first read end: still open\n"
        "first, after the child closed it closed\n"
        "OSError [Errno 9] Bad file descriptor\n"
    ), result.stderr


def test_descriptors_come_with_their_bytes_and_count_as_references(tmp_path):
    """A read stops at the end of the bytes sent with descriptors (the next bytes come in
    the next read); a read with no room for them closes them; the received descriptor is
    the lowest free one; sendmsg with no bytes sends no descriptors (returns 0)."""
    result = run(
        tmp_path,
        """
        import array, os, socket
        a, b = socket.socketpair()
        r, w = os.pipe()
        rights = [(socket.SOL_SOCKET, socket.SCM_RIGHTS, array.array("i", [r]))]
        a.send(b"ab")
        a.sendmsg([b"c", b"d"], rights)
        a.send(b"ef")
        data, ancdata, flags, address = b.recvmsg(100, socket.CMSG_SPACE(4))
        fd = array.array("i", ancdata[0][2])[0]
        print(data, len(ancdata), flags, address, fd == w + 1)
        print(b.recvmsg(100, socket.CMSG_SPACE(4)))
        print(a.sendmsg([], rights), a.send(b"g"), b.recvmsg(100, 100))
        a.sendmsg([b"h"], rights)
        print(b.recv(100))
        os.close(r)
        os.close(fd)
        try:
            os.write(w, b"x")
        except BrokenPipeError:
            print("no reader left")
        """,
    )
    assert result.stdout == (
        "b'abcd' 1 0 None True\n"
        "(b'ef', [], 0, None)\n"
        "0 1 (b'g', [], 0, None)\n"
        "b'h'\n"
        "no reader left\n"
    ), result.stderr


HOST_FILE = """
import os, socket, tempfile
from multiprocessing import reduction

fd, path = tempfile.mkstemp()
os.write(fd, b"a file the parent opened")
os.unlink(path)
a, b = socket.socketpair()
pid = os.fork()
if pid == 0:
    a.close()
    (received,) = reduction.recvfds(b, 1)
    go_r, go_w = os.pipe()
    grandchild = os.fork()
    if grandchild == 0:
        os.read(go_r, 1)  # once the child has closed its copy
        os.lseek(received, 0, os.SEEK_SET)
        b.sendall(os.read(received, 100))
        os._exit(0)
    os.close(received)  # as the fork server does: the grandchild's stays open
    os.write(go_w, b"g")
    os.waitpid(grandchild, 0)
    os._exit(0)
b.close()
reduction.sendfds(a, [fd])
os.close(fd)
data = b""
while chunk := a.recv(100):
    data += chunk
os.waitpid(pid, 0)
print(data)
"""


def test_a_file_the_program_opened_passes_as_a_descriptor_of_its_own(tmp_path):
    """A descriptor of the host (a file, as the arena of a multiprocessing.Value) passed
    over a socket is the receiver's own: its fork child still reads the file after the
    receiver closed its copy, as the fork server's children do (``hostfds``)."""
    result = run(tmp_path, HOST_FILE)
    assert result.stdout == "b'a file the parent opened'\n", result.stderr


SHARED_CONNECTION = """
import multiprocessing as mp

def child(q):
    conn = q.get()
    conn.send("sent over a passed connection")

if __name__ == "__main__":
    ctx = mp.get_context("fork")
    q = ctx.Queue()
    a, b = mp.Pipe()
    p = ctx.Process(target=child, args=(q,))
    p.start()
    q.put(b)
    print(a.recv())
    p.join()
"""


def test_a_connection_pickled_for_a_fork_child_travels_by_the_resource_sharer(tmp_path):
    """Pickling a Connection outside a start() hands its descriptor to
    multiprocessing.resource_sharer, which serves it over an AF_UNIX socket (SCM_RIGHTS)
    from a daemon thread.  The program ends as under CPython: what its modules and that
    thread still hold is closed without a word after the run (``fdio.close`` with no
    simulated thread holding the GIL)."""
    path = tmp_path / "main.py"
    path.write_text(SHARED_CONNECTION, encoding="utf-8")
    env = dict(os.environ, PYTHONPATH=str(Path(__file__).parents[2]))
    done = subprocess.run(
        [sys.executable, "-m", "gilsim", "run", str(path)],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
    )
    assert (done.returncode, done.stdout, done.stderr) == (
        0,
        "sent over a passed connection\n",
        "",
    )
