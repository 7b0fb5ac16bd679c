"""Blocking I/O between simulated threads: pipes, files, sockets.  Each call releases the GIL
around its system call, a blocked reader waits in virtual time for a simulated writer, and
what cannot be simulated (a terminal, another host, UDP) is refused by name."""

import os
import sys
import textwrap

import pytest

import gilsim


def run(source, **options):
    options.setdefault("cores", 2)
    return gilsim.run(source=textwrap.dedent(source), **options)


def ok(source, **options):
    result = run(source, **options)
    assert result.exit_status == 0, result.stderr
    return result


# -- pipes ----------------------------------------------------------------------------------


def test_a_consumer_reads_what_a_producer_writes_through_a_pipe():
    """A reader blocked on an empty pipe wakes when the writer writes, and sees EOF once the
    write end is closed."""
    result = ok(
        """
        import os, threading, time
        r, w = os.pipe()
        def producer():
            for i in range(3):
                time.sleep(0.01)
                os.write(w, b"item %d;" % i)
            os.close(w)
        threading.Thread(target=producer).start()
        chunks = []
        while data := os.read(r, 100):
            chunks.append(data)
        print(chunks, os.read(r, 100))
        print("waited", time.perf_counter() >= 0.03)
        """
    )
    assert result.stdout == "[b'item 0;', b'item 1;', b'item 2;'] b''\nwaited True\n"


def test_a_write_to_a_pipe_nobody_reads_is_a_broken_pipe():
    """``os.write`` with no read end open raises ``BrokenPipeError`` (EPIPE, 32)."""
    result = ok(
        """
        import os
        r, w = os.pipe()
        os.close(r)
        try:
            os.write(w, b"x")
        except BrokenPipeError as exc:
            print(type(exc).__name__, exc.errno, exc.strerror)
        try:
            os.read(w, 1)
        except OSError as exc:
            print("read of the write end:", exc.errno)
        """
    )
    assert result.stdout == "BrokenPipeError 32 Broken pipe\nread of the write end: 9\n"


def test_a_writer_sleeps_while_the_pipe_is_full():
    """A write larger than the 64 KiB pipe returns only once the reader has made room."""
    result = ok(
        """
        import os, threading, time
        r, w = os.pipe()
        def reader():
            time.sleep(0.01)
            got = 0
            while got < 100_000:
                got += len(os.read(r, 65536))
        t = threading.Thread(target=reader)
        t.start()
        print(os.write(w, b"x" * 100_000), time.perf_counter() > 0.01)
        t.join()
        os.set_blocking(r, False)
        try:
            os.read(r, 1)
        except BlockingIOError as exc:
            print("non-blocking:", exc.errno)
        """
    )
    assert result.stdout == "100000 True\nnon-blocking: 11\n"


def test_fdopen_gives_file_objects_over_a_pipe():
    """``os.fdopen`` on the two ends: lines written by one thread, iterated by another."""
    result = ok(
        """
        import os, threading
        r, w = os.pipe()
        def producer():
            with os.fdopen(w, "w") as out:
                for i in range(3):
                    print("line", i, file=out, flush=True)
        threading.Thread(target=producer).start()
        with os.fdopen(r) as lines:
            print([line.strip() for line in lines])
        """
    )
    assert result.stdout == "['line 0', 'line 1', 'line 2']\n"


def test_a_read_blocked_on_a_pipe_lets_a_cpu_bound_thread_run():
    """While the main thread sleeps in ``os.read``, a CPU-bound thread has the GIL."""
    result = ok(
        """
        import os, threading, time
        r, w = os.pipe()
        count = 0
        stop = False
        def spin():
            global count
            while not stop:
                count += 1
        threading.Thread(target=spin).start()
        def writer():
            time.sleep(0.02)
            os.write(w, b"!")
        threading.Thread(target=writer).start()
        data = os.read(r, 1)
        stop = True
        print(data, count)
        """
    )
    data, count = result.stdout.split()
    assert data == "b'!'"
    # 20 ms of a simulated spin loop: hundreds of thousands of iterations.
    assert int(count) > 100_000


def test_each_read_and_write_takes_virtual_time():
    """A pipe write and read cost about a microsecond, more for many bytes."""
    result = ok(
        """
        import os, time
        r, w = os.pipe()
        t0 = time.perf_counter_ns()
        os.write(w, b"x"); os.read(r, 1)
        t1 = time.perf_counter_ns()
        os.write(w, b"x" * 60_000); os.read(r, 60_000)
        t2 = time.perf_counter_ns()
        print(t1 - t0, t2 - t1)
        """
    )
    small, large = map(int, result.stdout.split())
    assert 500 <= small <= 5_000
    assert large > small + 5_000


# -- regular files ------------------------------------------------------------------------


def test_files_are_read_and_written_by_the_host(tmp_path):
    """``open`` and ``os.read``/``os.write`` on a real file do real I/O."""
    path = tmp_path / "data.txt"
    result = ok(
        f"""
        import os
        with open({str(path)!r}, "w") as f:
            print(f)
            f.write("hello\\n" * 3)
        fd = os.open({str(path)!r}, os.O_RDWR | os.O_APPEND)
        os.write(fd, b"bye\\n")
        os.close(fd)
        with open({str(path)!r}, "rb") as f:
            print(f, f.read())
        """
    )
    assert path.read_text() == "hello\n" * 3 + "bye\n"
    assert result.stdout == (
        f"<_io.TextIOWrapper name={str(path)!r} mode='w' encoding='UTF-8'>\n"
        f"<_io.BufferedReader name={str(path)!r}> b'hello\\nhello\\nhello\\nbye\\n'\n"
    )


def test_threads_sharing_a_file_object_wait_for_its_buffer_lock(tmp_path):
    """Threads writing through one buffered file take turns, as on the buffer's lock."""
    path = tmp_path / "log.bin"
    ok(
        f"""
        import threading
        log = open({str(path)!r}, "wb")
        def work(n):
            for i in range(3000):
                log.write(b"%d" % n)
        threads = [threading.Thread(target=work, args=(n,)) for n in range(3)]
        for t in threads: t.start()
        for t in threads: t.join()
        log.close()
        """
    )
    data = path.read_bytes()
    assert sorted(data.count(d) for d in b"012") == [3000, 3000, 3000]


# -- sockets ------------------------------------------------------------------------------


def test_socketpair_echo():
    """A thread echoes what it receives on one end of a socketpair."""
    result = ok(
        """
        import socket, threading
        a, b = socket.socketpair()
        def echo():
            with b:
                while data := b.recv(100):
                    b.sendall(data.upper())
        t = threading.Thread(target=echo)
        t.start()
        for word in (b"one", b"two"):
            a.sendall(word)
            print(a.recv(100))
        a.shutdown(socket.SHUT_WR)
        print(a.recv(100))
        t.join()
        a.close()
        print(a)
        """
    )
    assert result.stdout == (
        "b'ONE'\nb'TWO'\nb''\n<socket.socket [closed] fd=-1, family=1, type=1, proto=0>\n"
    )


def test_tcp_echo_server_on_loopback():
    """A server thread accepts a client over loopback TCP; port 0 picks a free port."""
    result = ok(
        """
        import socket, threading
        server = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        server.bind(("localhost", 0))
        server.listen()
        host, port = server.getsockname()
        seen = []
        def serve():
            conn, addr = server.accept()
            with conn:
                seen.append(addr == client.getsockname())
                with conn.makefile("rb") as lines:
                    for line in lines:
                        conn.sendall(b"echo " + line)
        t = threading.Thread(target=serve)
        client = socket.socket()
        t.start()
        client.connect(("127.0.0.1", port))
        print(host, 32768 <= port < 61000, client.getpeername() == (host, port))
        for i in range(2):
            client.sendall(b"line %d\\n" % i)
            print(client.recv(100))
        client.shutdown(socket.SHUT_WR)
        print(client.recv(100))
        t.join()
        print("the server's peer is the client:", seen)
        client.close()
        other = socket.socket()
        try:
            other.bind(("127.0.0.1", port))
        except OSError as exc:
            print(exc)
        server.close()
        try:
            socket.create_connection(("127.0.0.1", port))
        except ConnectionRefusedError as exc:
            print(exc)
        """
    )
    assert result.stdout == (
        "127.0.0.1 True True\n"
        "b'echo line 0\\n'\nb'echo line 1\\n'\nb''\n"
        "the server's peer is the client: [True]\n"
        "[Errno 98] Address already in use\n"
        "[Errno 111] Connection refused\n"
    )


def test_a_recv_with_a_timeout_raises_socket_timeout():
    """``settimeout(0.05)``: nothing arrives, ``socket.timeout`` after 50 ms virtual."""
    result = ok(
        """
        import socket, time
        a, b = socket.socketpair()
        a.settimeout(0.05)
        print(a.gettimeout(), a.getblocking())
        t0 = time.perf_counter()
        try:
            a.recv(1)
        except socket.timeout as exc:
            print(repr(exc), round(time.perf_counter() - t0, 3))
        a.setblocking(False)
        try:
            a.recv(1)
        except BlockingIOError as exc:
            print(exc)
        """
    )
    assert result.stdout == (
        "0.05 True\nTimeoutError('timed out') 0.05\n[Errno 11] Resource temporarily unavailable\n"
    )


def test_a_send_to_a_closed_socketpair_peer_is_a_broken_pipe():
    """The peer of a closed socket reads EOF, and its writes fail with EPIPE."""
    result = ok(
        """
        import socket
        a, b = socket.socketpair()
        b.sendall(b"last words")
        b.close()
        print(a.recv(100), a.recv(100))
        try:
            a.send(b"anyone?")
        except BrokenPipeError as exc:
            print(exc)
        """
    )
    assert result.stdout == "b'last words' b''\n[Errno 32] Broken pipe\n"


# -- refusals -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("line", "message"),
    [
        (
            "socket.create_connection(('10.1.2.3', 80))",
            "connecting to 10.1.2.3 (only loopback is simulated)",
        ),
        (
            "socket.getaddrinfo('example.com', 80)",
            "resolving the host name 'example.com' (only loopback is simulated)",
        ),
        ("socket.socket(socket.AF_INET, socket.SOCK_DGRAM)", "UDP sockets"),
        (
            "socket.socket().bind(('192.168.0.1', 0))",
            "binding to 192.168.0.1 (only loopback is simulated)",
        ),
        ("socket.socketpair()[0].recvfrom(1)", "socket.recvfrom()"),
    ],
)
def test_what_is_not_loopback_tcp_is_refused(line, message):
    """Another host, name resolution, UDP: an ``UnsupportedError`` naming file and line."""
    result = run(f"import socket\n{line}\n")
    assert result.exit_status == 2
    assert result.error == f"<string>, line 2: {message} is not supported by gilsim"


@pytest.fixture
def terminal_stdin(monkeypatch):
    """The host's ``sys.stdin`` is a pseudo-terminal."""
    leader, follower = os.openpty()
    stream = open(follower, closefd=True)  # noqa: SIM115
    monkeypatch.setattr(sys, "stdin", stream)
    yield follower
    stream.close()
    os.close(leader)


@pytest.mark.parametrize(
    ("source", "message"),
    [
        ("input('? ')", "input() from a terminal"),
        ("import sys\nfor line in sys.stdin: pass", "iterating over sys.stdin from a terminal"),
        ("import sys\nsys.stdin.readline()", "sys.stdin.readline() from a terminal"),
        ("import os\nos.read(0, 1)", "os.read(0, ...): reading a terminal"),
    ],
)
def test_reading_a_terminal_is_refused(terminal_stdin, source, message):
    """A read that would wait for someone to type never hangs the simulation."""
    source = source.replace("os.read(0", f"os.read({terminal_stdin}").replace(
        "os.read(0, ...)", f"os.read({terminal_stdin}, ...)"
    )
    message = message.replace("os.read(0", f"os.read({terminal_stdin}")
    result = run(source, capture=False)
    assert result.exit_status == 2
    assert message in result.error
    assert "give the program its input from a file or a pipe" in result.error


def test_stdin_from_a_pipe_or_file_is_read_as_usual():
    """``input()`` and ``sys.stdin`` read redirected input."""
    result = ok(
        """
        import sys
        print(input())
        print(sys.stdin.read().split())
        """,
        stdin="first\nsecond third\n",
    )
    assert result.stdout == "first\n['second', 'third']\n"
