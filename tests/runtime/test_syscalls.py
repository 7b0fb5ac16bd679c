"""The door into the simulated kernel (``gilsim/runtime/syscall.py``): every system call
takes and returns plain data, so that a process whose Python runs in another host process
can make it over a socket (issue 19).  With ``PLAIN_DATA_CHECK`` on, programs using each
kind of call run as before, and a call passing an object fails at the door."""

import textwrap

import pytest

import gilsim
from gilsim.runtime import fscalls, syscall


@pytest.fixture
def checked():
    """The check is on in every test (``tests/conftest.py``); these depend on it."""
    assert syscall.PLAIN_DATA_CHECK


def ok(source):
    result = gilsim.run(source=textwrap.dedent(source), cores=2)
    assert result.exit_status == 0, result.stderr
    return result


def test_descriptor_calls_cross_the_door_as_plain_data(checked):
    """pipe2, read, write, dup, close, the fcntl flags, a refusal naming the pipe."""
    result = ok(
        """
        import os, threading
        r, w = os.pipe()
        print(os.get_blocking(r), os.get_inheritable(w))
        os.set_blocking(r, False)
        os.set_inheritable(w, True)
        print(os.get_blocking(r), os.get_inheritable(w), os.isatty(r))
        try:
            os.read(r, 10)
        except BlockingIOError as exc:
            print("empty:", exc.errno)
        os.set_blocking(r, True)
        w2 = os.dup(w)
        threading.Thread(target=lambda: (os.write(w2, b"hello"), os.close(w2))).start()
        os.close(w)
        print(os.read(r, 100), os.read(r, 100))
        try:
            os.close(w)
        except OSError as exc:
            print("closed:", exc.errno)
        """
    )
    assert result.stdout == ("True False\nFalse True False\nempty: 11\nb'hello' b''\nclosed: 9\n")


def test_files_over_descriptors_and_their_finalizers_cross_the_door(checked):
    """A file object over a pipe end reads and writes through it; a buffered writer left to
    its finalizer flushes at once (``write_at_once``, ``close_at_once``)."""
    result = ok(
        """
        import os
        r, w = os.pipe()
        with os.fdopen(w, "w") as out:
            out.write("line one\\n")
        with os.fdopen(r) as inp:
            print(inp.read(), end="")
        r, w = os.pipe()
        out = os.fdopen(w, "wb")
        out.write(b"left in the buffer")
        del out
        print(os.read(r, 100))
        """
    )
    assert result.stdout == "line one\nb'left in the buffer'\n"


def test_select_and_poll_cross_the_door(checked):
    """``do_sys_poll`` gets the descriptors and the deadline as numbers, and what the host's
    own descriptors report (a regular file: always ready)."""
    result = ok(
        """
        import os, select, tempfile, threading, time
        r, w = os.pipe()
        print(select.select([r], [w], [], 0) == ([], [w], []))
        threading.Thread(target=lambda: (time.sleep(0.01), os.write(w, b"x"))).start()
        p = select.poll()
        p.register(r, select.POLLIN)
        print(p.poll(1000) == [(r, select.POLLIN)])
        with tempfile.TemporaryFile() as f:
            print(select.select([f], [], [], None)[0] == [f])
        print(select.select([r], [], [], 0.001)[0] == [r])
        """
    )
    assert result.stdout == "True\n" * 4


def test_the_check_refuses_an_object_at_the_door(checked):
    """What the check is for: a kernel object, a memoryview or an unregistered function
    never crosses."""
    with pytest.raises(TypeError, match="memoryview, which is not plain data"):
        syscall.check_plain("write's arguments", ((3, memoryview(b"x")), {}))
    with pytest.raises(TypeError, match="PipeEnd, which is not plain data"):
        syscall.check_plain(
            "a result", [(1, {"file": fscalls.pipes.PipeEnd.__new__(fscalls.pipes.PipeEnd)})]
        )

    def not_registered(kernel, interp, thread):
        return None

    with pytest.raises(TypeError, match="not a registered system call"):
        syscall._checked(not_registered, (None, None, None), (), {})
    syscall.check_plain("plain", (None, True, 1, 2.5, "s", b"b", [1], {"k": (1,)}, frozenset({1})))


def test_every_system_call_has_one_name():
    """The table names each call once, by the name it is made by."""
    assert syscall.TABLE["read"] is fscalls.read
    assert all(body.__name__ == name for name, body in syscall.TABLE.items())
    with pytest.raises(ValueError, match="two system calls named 'read'"):
        syscall.system_call(fscalls.read)
