"""``open()`` and ``os.fdopen()``: ``_io_open_impl`` (``Modules/_io/_iomodule.c``) building the
host's buffered and text layers over a raw file whose system calls are simulated.

The GIL is released only where CPython reaches a system call: in the raw layer (``FileIO``,
whose reads and writes are ``_Py_read``/``_Py_write`` in ``Python/fileutils.c``).  A buffered
read served from the buffer, a write that fits in it, never gets there and never releases
(``docs/model/gil.md`` §4); the host's own ``BufferedReader``/``BufferedWriter`` and
``TextIOWrapper`` decide that, as in CPython.  The raw layer is ``FileIO`` (a real file: the
host does the I/O, the call lasts the modelled duration) or ``KernelFileIO`` (a simulated
pipe or socket descriptor).

The buffer lock.  A C buffered object has a lock and refuses a second caller from the *same*
OS thread ("reentrant call inside ..."); every simulated thread runs on the one host thread,
so a thread that released the GIL inside a buffered call would make a second simulated thread
fail on that object.  The buffered classes here therefore take a simulated lock first, as
``_enter_buffered_busy`` (``Modules/_io/bufferedio.c``) does: try it with the GIL held, else
release the GIL and wait for it.
"""

from __future__ import annotations

import io
import operator
import os
from typing import Any

from gilsim.errors import GilsimError
from gilsim.interpreter import state
from gilsim.runtime import fdio, fscalls, procfs, syscall, ttyguard
from gilsim.runtime.kernel import COSTS, allow_threads, busy, simulating
from gilsim.runtime.sysmodule import unsupported
from gilsim.runtime.threadmodule import RLock


def finalizing(obj: Any) -> bool:
    """Whether ``obj`` is being closed by its finalizer (``iobase_finalize`` sets
    ``_finalizing``; ``_dealloc_warn`` tells a buffer or a raw file that the layer above is
    finalized).  A finalizer may run inside any instruction, even one after which the eval
    loop does not expect time to have passed, so it must neither release the GIL nor sleep:
    it does its I/O at once, as far as it can."""
    return bool(getattr(obj, "_finalizing", False) or getattr(obj, "_gilsim_finalizing", False))


class FileIO(io.FileIO):
    """``_io.FileIO`` on a real file: each system call releases the GIL for its duration."""

    def __init__(self, file: Any, mode: str = "r", closefd: bool = True, opener: Any = None):
        self._gilsim_interp = interp = state.current_thread().interp
        if opener is not None:  # the opener is the program's code: it runs with the GIL
            super().__init__(file, mode, closefd, opener)
        else:
            with allow_threads() as (interp, thread):
                busy(interp, thread, COSTS.syscall_ns)
                super().__init__(file, mode, closefd)
        self._gilsim_terminal = ttyguard.stream_is_terminal(self)

    def _syscall(self, call: Any, *args: Any) -> Any:
        if not simulating(self._gilsim_interp) or finalizing(self):
            return call(*args)
        with allow_threads() as (interp, thread):
            result = call(*args)
            size = len(result) if isinstance(result, bytes) else result or 0
            busy(interp, thread, COSTS.syscall_ns + COSTS.transfer_ns(size))
            return result

    def _check_terminal(self) -> None:
        if self._gilsim_terminal and self.readable():
            raise unsupported(f"reading {self.name!r}, a terminal")

    def read(self, size: Any = -1) -> Any:
        self._check_terminal()
        return self._syscall(super().read, size)

    def readall(self) -> Any:
        self._check_terminal()
        return self._syscall(super().readall)

    def readinto(self, buffer: Any) -> Any:
        self._check_terminal()
        return self._syscall(super().readinto, buffer)

    def write(self, data: Any) -> Any:
        return self._syscall(super().write, data)

    def close(self) -> None:
        if self.closed or not self.closefd:
            super().close()
            return
        self._syscall(super().close)

    def _dealloc_warn(self, source: Any) -> None:
        self._gilsim_finalizing = True
        super()._dealloc_warn(source)  # type: ignore[misc]


class KernelFileIO(io.RawIOBase):
    """A raw file over a simulated descriptor (a pipe end, a socket): ``FileIO``'s
    behaviour, with the calls made in the simulated kernel (``fdio``)."""

    def __init__(
        self, interp: state.InterpreterState, fd: int, mode: str, closefd: Any = True
    ) -> None:
        super().__init__()
        self._interp = interp
        self._fd = fd
        self._closefd = bool(closefd)
        self._readable = "r" in mode or "+" in mode
        self._writable = any(c in mode for c in "wax+")
        self._mode = _mode_string(mode)
        self.name = fd

    @property
    def mode(self) -> str:
        return self._mode

    @property
    def closefd(self) -> bool:
        return self._closefd

    def fileno(self) -> int:
        self._checkClosed()
        return self._fd

    def readable(self) -> bool:
        self._checkClosed()
        return self._readable

    def writable(self) -> bool:
        self._checkClosed()
        return self._writable

    def seekable(self) -> bool:
        self._checkClosed()
        return False

    def isatty(self) -> bool:
        self._checkClosed()
        return False

    def readinto(self, buffer: Any) -> int | None:
        self._checkClosed()
        if not self._readable:
            raise io.UnsupportedOperation("File not open for reading")
        target = memoryview(buffer).cast("B")
        try:
            data = fdio.read(self._fd, len(target))
        except BlockingIOError:
            return None
        target[: len(data)] = data
        return len(data)

    def write(self, data: Any) -> int | None:
        self._checkClosed()
        if not self._writable:
            raise io.UnsupportedOperation("File not open for writing")
        try:
            if self._quiet():
                return fdio.write_now(self._interp, self._fd, data) or None
            return fdio.write(self._fd, data)
        except BlockingIOError:
            return None

    def close(self) -> None:
        if self.closed:
            return
        try:
            if self._closefd:
                if self._quiet():
                    fdio.close_now(self._interp, self._fd)
                else:
                    fdio.close(self._fd)
        finally:
            super().close()

    def _quiet(self) -> bool:
        return finalizing(self) or not simulating(self._interp)

    def _dealloc_warn(self, source: Any) -> None:
        self._gilsim_finalizing = True

    def __repr__(self) -> str:
        if self.closed:
            return "<_io.FileIO [closed]>"
        return f"<_io.FileIO name={self._fd} mode='{self._mode}' closefd={self._closefd}>"


def _mode_string(mode: str) -> str:
    """``mode_string`` in ``Modules/_io/fileio.c``."""
    plus = "+" if "+" in mode else ""
    if "x" in mode:
        return "xb" + plus
    if "a" in mode:
        return "ab" + plus
    if "r" in mode:
        return "rb" + plus
    return ("rb" if plus else "wb") + plus


# -- the buffered layer: the buffer lock as a simulated lock --------------------------------

_LOCKED_METHODS = (
    "read", "read1", "readinto", "readinto1", "readline", "peek", "__next__",
    "write", "flush", "seek", "tell", "truncate", "close", "detach",
)  # fmt: skip


def _under_buffer_lock(method: Any) -> Any:
    def call(self: Any, *args: Any, **kwargs: Any) -> Any:
        if not simulating(self._gilsim_interp) or finalizing(self):
            return method(self, *args, **kwargs)
        buffer_lock = self._gilsim_lock
        buffer_lock.acquire()
        try:
            result = method(self, *args, **kwargs)
        except GilsimError:
            # The thread is being ended (its process or the run ended, ``ThreadKilled``):
            # it is no longer the running thread, and may not release as its owner.
            raise
        except BaseException:
            buffer_lock.release()
            raise
        buffer_lock.release()
        return result

    call.__name__ = method.__name__
    call.__doc__ = method.__doc__
    return call


def _buffered(base: Any) -> type:
    """A subclass of a C buffered class whose locking calls take a simulated lock first."""

    def __init__(self: Any, raw: Any, buffer_size: int = io.DEFAULT_BUFFER_SIZE) -> None:
        base.__init__(self, raw, buffer_size)
        self._gilsim_interp = state.current_thread().interp
        self._gilsim_lock = RLock()

    def _dealloc_warn(self: Any, source: Any) -> None:
        self._gilsim_finalizing = True
        base._dealloc_warn(self, source)

    def __repr__(self: Any) -> str:
        # buffered_repr, with the C type's name (``_io.BufferedReader``...)
        try:
            return f"<_io.{base.__name__} name={self.name!r}>"
        except (AttributeError, ValueError):
            return f"<_io.{base.__name__}>"

    namespace: dict[str, Any] = {
        "__init__": __init__,
        "_dealloc_warn": _dealloc_warn,
        "__repr__": __repr__,
        "__module__": __name__,
    }
    for name in _LOCKED_METHODS:
        if hasattr(base, name):
            namespace[name] = _under_buffer_lock(getattr(base, name))
    return type(base.__name__, (base,), namespace)


BufferedReader = _buffered(io.BufferedReader)
BufferedWriter = _buffered(io.BufferedWriter)
BufferedRandom = _buffered(io.BufferedRandom)


class BufferedRWPair(io.BufferedIOBase):
    """``_io.BufferedRWPair`` (``Modules/_io/bufferedio.c``): a reader and a writer over two
    raw files, each call forwarded to one of them.  The C pair makes C buffered objects
    without the simulated buffer lock, and cannot be given these, so it is rewritten here
    over ``BufferedReader`` and ``BufferedWriter`` (as ``_pyio.BufferedRWPair`` is); what it
    does not forward (``readline``, ``fileno``...) is ``_io._BufferedIOBase``'s, as in C."""

    def __init__(self, reader: Any, writer: Any, buffer_size: int = io.DEFAULT_BUFFER_SIZE):
        # _PyIOBase_check_readable, _PyIOBase_check_writable
        if not reader.readable():
            raise io.UnsupportedOperation("File or stream is not readable.")
        if not writer.writable():
            raise io.UnsupportedOperation("File or stream is not writable.")
        self.reader = BufferedReader(reader, buffer_size)
        self.writer = BufferedWriter(writer, buffer_size)

    def read(self, size: Any = -1) -> Any:
        return self.reader.read(-1 if size is None else size)

    def peek(self, size: Any = 0) -> Any:
        return self.reader.peek(size)

    def read1(self, size: Any = -1) -> Any:
        return self.reader.read1(size)

    def readinto(self, buffer: Any) -> Any:
        return self.reader.readinto(buffer)

    def readinto1(self, buffer: Any) -> Any:
        return self.reader.readinto1(buffer)

    def write(self, data: Any) -> Any:
        return self.writer.write(data)

    def flush(self) -> None:
        return self.writer.flush()

    def readable(self) -> bool:
        return self.reader.readable()

    def writable(self) -> bool:
        return self.writer.writable()

    def isatty(self) -> bool:
        return self.writer.isatty() or self.reader.isatty()

    def close(self) -> None:
        """The writer, then the reader (``bufferedrwpair_close``)."""
        first, second = self.writer, self.reader
        if finalizing(self):
            # The C pair has no finalizer: ``bufferedrwpair_dealloc`` drops the reader
            # first, whose finalizer closes the raw file, and then the writer finds it
            # closed and does not flush (what it holds over one socket is lost).
            first, second = self.reader, self.writer
            first._gilsim_finalizing = second._gilsim_finalizing = True
        try:
            first.close()
        finally:
            second.close()

    @property
    def closed(self) -> bool:
        return self.writer.closed

    def __repr__(self) -> str:
        return f"<_io.BufferedRWPair object at {id(self):#x}>"


# -- open() ---------------------------------------------------------------------------------


def _is_number(value: Any) -> bool:
    """``PyNumber_Check``."""
    kind = type(value)
    return any(hasattr(kind, name) for name in ("__index__", "__int__", "__float__", "__complex__"))


def _check_text_arg(name: str, value: Any) -> None:
    if value is not None and not isinstance(value, str):
        raise TypeError(f"open() argument '{name}' must be str or None, not {type(value).__name__}")


def open_(
    file: Any,
    mode: Any = "r",
    buffering: Any = -1,
    encoding: Any = None,
    errors: Any = None,
    newline: Any = None,
    closefd: Any = True,
    opener: Any = None,
) -> Any:
    """``open()``, with the checks and messages of ``_io_open_impl``."""
    if not isinstance(mode, str):
        raise TypeError(f"open() argument 'mode' must be str, not {type(mode).__name__}")
    buffering = operator.index(buffering)
    closefd = bool(operator.index(closefd))
    for name, value in (("encoding", encoding), ("errors", errors), ("newline", newline)):
        _check_text_arg(name, value)
    if not isinstance(file, str | bytes) and not _is_number(file):
        file = os.fspath(file)
    for i, c in enumerate(mode):
        if c not in "xrwa+tb" or c in mode[i + 1 :]:
            raise ValueError(f"invalid mode: '{mode}'")
    binary = "b" in mode
    if "t" in mode and binary:
        raise ValueError("can't have text and binary mode at once")
    if sum(c in mode for c in "xrwa") > 1:
        raise ValueError("must have exactly one of create/read/write/append mode")
    for what, value in (("an encoding", encoding), ("an errors", errors), ("a newline", newline)):
        if binary and value is not None:
            raise ValueError(f"binary mode doesn't take {what} argument")
    rawmode = "".join(c for c in "xrwa+" if c in mode)
    interp = state.current_thread().interp
    made = procfs.contents(interp, file)
    if made is not None:
        raw: Any = procfs.ProcFile(file, made, rawmode)
    elif is_simulated(file):
        raw = KernelFileIO(interp, file, rawmode, closefd)
    else:
        raw = FileIO(file, rawmode, closefd, opener)
    try:
        return _layers(raw, mode, buffering, encoding, errors, newline)
    except BaseException:
        raw.close()
        raise


def _layers(raw: Any, mode: str, buffering: int, encoding: Any, errors: Any, newline: Any) -> Any:
    """The buffered and text layers over ``raw`` (the rest of ``_io_open_impl``)."""
    line_buffering = False
    if buffering == 1 or (buffering < 0 and raw.isatty()):
        buffering = -1
        line_buffering = True
    if buffering < 0:
        buffering = io.DEFAULT_BUFFER_SIZE
        try:
            blksize = os.fstat(raw.fileno()).st_blksize if isinstance(raw, FileIO) else 0
        except OSError:
            blksize = 0
        if blksize > 1:
            buffering = blksize
    if buffering == 0:
        if "b" in mode:
            return raw
        raise ValueError("can't have unbuffered text I/O")
    if "+" in mode:
        buffer = BufferedRandom(raw, buffering)
    elif any(c in mode for c in "xwa"):
        buffer = BufferedWriter(raw, buffering)
    else:
        buffer = BufferedReader(raw, buffering)
    if "b" in mode:
        return buffer
    text = io.TextIOWrapper(buffer, encoding, errors, newline, line_buffering)
    text.mode = mode  # type: ignore[misc]
    return text


open_.__name__ = open_.__qualname__ = "open"


def io_builtins() -> dict[str, Any]:
    """The builtins that do I/O: ``open`` here, ``input`` (refused on a terminal)."""
    return {"open": open_, "input": ttyguard.input}


def is_simulated(file: Any) -> bool:
    """Whether ``file`` is an open descriptor of the simulated kernel (a pipe, a socket)."""
    return fdio.is_simulated(file) and syscall.held(fscalls.describe, file) is not None


def fdopen(
    fd: Any, mode: str = "r", buffering: int = -1, encoding: Any = None, *args: Any, **kwargs: Any
) -> Any:
    """``os.fdopen`` (``Lib/os.py``)."""
    if not isinstance(fd, int):
        raise TypeError(f"invalid fd type ({type(fd)}, expected integer)")
    return open_(fd, mode, buffering, encoding, *args, **kwargs)
