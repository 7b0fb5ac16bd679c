"""``signal.set_wakeup_fd`` and SIGCHLD (``gilsim.runtime.signalmodule``,
``gilsim.processes.table``): when a child ends, a parent with a Python handler for SIGCHLD
gets the signal's byte on its wake-up descriptor, which wakes a ``select`` on it.  The
expected text is what CPython 3.11 printed on Linux."""

from __future__ import annotations

import textwrap
from pathlib import Path

import gilsim


def run(tmp_path: Path, source: str, **options):
    path = tmp_path / "main.py"
    path.write_text(textwrap.dedent(source), encoding="utf-8")
    return gilsim.run(path, argv=[str(path)], **options)


def test_set_wakeup_fd_checks_what_cpython_checks(tmp_path):
    """An int, an open descriptor in non-blocking mode, from the main thread only; it
    returns the descriptor set before (-1: none)."""
    result = run(
        tmp_path,
        """
        import os, signal, threading
        r, w = os.pipe()
        for args in [("x",), (-5,), (1.5,)]:
            try:
                signal.set_wakeup_fd(*args)
            except Exception as exc:
                print(type(exc).__name__, exc)
        try:
            signal.set_wakeup_fd(w)
        except ValueError as exc:
            print(str(exc) == f"the fd {w} must be in non-blocking mode")
        os.set_blocking(w, False)
        print(signal.set_wakeup_fd(w), signal.set_wakeup_fd(-1) == w, signal.set_wakeup_fd(-1))
        def elsewhere():
            try:
                signal.set_wakeup_fd(-1)
            except ValueError as exc:
                print(exc)
        t = threading.Thread(target=elsewhere)
        t.start()
        t.join()
        """,
    )
    assert result.stdout == (
        "TypeError 'str' object cannot be interpreted as an integer\n"
        "OSError [Errno 9] Bad file descriptor\n"
        "TypeError 'float' object cannot be interpreted as an integer\n"
        "True\n"
        "-1 True -1\n"
        "set_wakeup_fd only works in main thread of the main interpreter\n"
    ), result.stderr


SIGCHLD_WAKES = """
import os, select, signal
r, w = os.pipe()
os.set_blocking(w, False)
signal.set_wakeup_fd(w)
signal.signal(signal.SIGCHLD, lambda *args: None)
pid = os.fork()
if pid == 0:
    os._exit(3)
print(select.select([r], [], [], 5)[0] == [r], os.read(r, 10))
print(os.waitstatus_to_exitcode(os.waitpid(pid, 0)[1]))
pid = os.fork()
if pid == 0:
    # A fork child has its parent's handlers and wake-up fd.
    print("child:", signal.set_wakeup_fd(-1) == w, signal.getsignal(signal.SIGCHLD) is not signal.SIG_DFL)
    os._exit(0)
os.waitpid(pid, 0)
print(os.read(r, 10))
signal.signal(signal.SIGCHLD, signal.SIG_DFL)
pid = os.fork()
if pid == 0:
    os._exit(0)
os.waitpid(pid, 0)
print(select.select([r], [], [], 0.1)[0])
"""


def test_a_child_that_ends_writes_sigchld_to_its_parents_wakeup_fd(tmp_path):
    """With a Python handler for SIGCHLD the byte 17 arrives and wakes select(); with the
    default disposition nothing does; a fork child inherits handlers and wake-up fd."""
    result = run(tmp_path, SIGCHLD_WAKES)
    assert result.stdout == ("True b'\\x11'\n3\nchild: True True\nb'\\x11'\n[]\n"), result.stderr
