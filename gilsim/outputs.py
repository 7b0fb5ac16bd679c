"""Where the ``gilsim`` command writes: the files its options name, and its own messages.

Files.  Every file an option names (``--json``, ``--trace``, ``--perfetto``, ``render -o``)
is checked before the program runs (``check``): a run of minutes must not end with nothing
written because of a typing mistake in a folder's name.  A write that fails at the end all
the same (the disk filled up, the folder was removed meanwhile) is one ``gilsim:`` line
(``write``), and the other files are still written.

Messages.  gilsim's own lines (a limit, a race report, a refcount note) go to the stderr
gilsim was started with, whatever the program did to its own: ``sys.stderr.close()``,
``os.close(2)`` (on 3.11 the program's standard descriptors are the host's: closing one
closes gilsim's), ``sys.stderr = None``.  ``keep_stderr`` makes a duplicate of descriptor 2
at start-up, and ``say`` writes there when ``sys.__stderr__`` no longer reaches that file.
"""

from __future__ import annotations

import contextlib
import errno
import os
import stat
import sys
from collections.abc import Callable
from typing import TextIO

from gilsim.errors import ConfigurationError

# A duplicate of the descriptor 2 gilsim started with (None before ``keep_stderr``, or when
# gilsim was started without one).
_kept_fd: int | None = None


def keep_stderr() -> None:
    """Keep a duplicate of descriptor 2 for gilsim's own messages.  ``os.dup`` makes it
    non-inheritable (PEP 446), so a process the program starts does not hold it."""
    global _kept_fd
    if _kept_fd is not None:
        return
    try:
        _kept_fd = os.dup(2)
    except OSError:  # started with descriptor 2 closed: messages go nowhere, as they would
        _kept_fd = None


def unwritable(path: str) -> str | None:
    """Why ``path`` cannot be written (the OS's reason), or None if it can."""
    try:
        mode = os.stat(path).st_mode
    except OSError:
        mode = None
    if mode is not None and not (stat.S_ISREG(mode) or stat.S_ISDIR(mode)):
        # A FIFO, a terminal, /dev/null: opening a FIFO nobody reads yet would wait for a
        # reader (or, without blocking, fail with ENXIO though one may come), and an open
        # and close may mean something to a device.  Ask for permission only.
        return None if os.access(path, os.W_OK) else os.strerror(errno.EACCES)
    # Open it as the write at the end will, but to append (no O_TRUNC): the OS answers
    # for everything that matters, with its reason, where ``os.access`` would not (a
    # read-only mount, /proc's own rules, a folder of that name: EISDIR, a missing folder:
    # ENOENT), and an existing file is left as it was.  A file the check made is removed:
    # nothing is left behind where nothing was.
    flags = os.O_WRONLY | os.O_APPEND | os.O_CREAT | os.O_CLOEXEC
    try:
        fd = os.open(path, flags, 0o666)
    except OSError as exc:
        return exc.strerror or str(exc)
    os.close(fd)
    if mode is None:
        with contextlib.suppress(OSError):
            os.unlink(path)
    return None


def check(option: str, path: str | None) -> None:
    """Refuse, before the program runs, a file ``option`` names that cannot be written
    (``ConfigurationError``: exit status 2)."""
    if path is None:
        return
    reason = unwritable(path)
    if reason is not None:
        raise ConfigurationError(f"cannot write {option} {path}: {reason}")


def write(option: str, path: str, writer: Callable[[str], object]) -> bool:
    """``writer(path)``; False, having said why in one line, if the OS refused."""
    try:
        writer(path)
    except OSError as exc:
        say(f"cannot write {option} {path}: {exc.strerror or exc}")
        return False
    return True


def flush_stdout() -> None:
    """Flush the program's stdout before gilsim tells something on stderr, so that its
    output comes first; nothing if the program closed, broke or removed it."""
    for stream in (sys.stdout, sys.__stdout__):
        with contextlib.suppress(Exception):
            stream.flush()  # type: ignore[union-attr]


def say(message: str) -> None:
    """One line of gilsim's own, ``gilsim: message``, on gilsim's stderr."""
    tell(f"gilsim: {message}\n")


def tell(text: str) -> None:
    """``text`` on gilsim's stderr: ``sys.__stderr__`` while it reaches the file gilsim
    started with, else the duplicate ``keep_stderr`` made."""
    stream = _stderr()
    if stream is not None:
        try:
            stream.write(text)
            stream.flush()
            return
        except (OSError, ValueError):
            pass
    if _kept_fd is not None:
        data = memoryview(text.encode("utf-8", "backslashreplace"))
        with contextlib.suppress(OSError):  # a stderr nobody reads: nothing to do
            while data:
                data = data[os.write(_kept_fd, data) :]


def _stderr() -> TextIO | None:
    """``sys.__stderr__`` if it is open and still writes to the file gilsim started with
    (its descriptor 2 may have been closed, or closed and reused by a file the program
    opened); a stream without a descriptor (in memory, in-process) is taken as it is."""
    stream = sys.__stderr__
    if stream is None or stream.closed:
        return None
    try:
        fd = stream.fileno()
    except (OSError, ValueError):  # io.UnsupportedOperation is both
        return stream
    if _kept_fd is None or _same_file(fd, _kept_fd):
        return stream
    return None


def _same_file(fd: int, other: int) -> bool:
    try:
        a, b = os.fstat(fd), os.fstat(other)
    except OSError:
        return False
    return (a.st_dev, a.st_ino) == (b.st_dev, b.st_ino)
