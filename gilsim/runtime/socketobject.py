"""The ``socket.socket`` objects of the simulated program (``PySocketSockObject`` in
``Modules/socketmodule.c``, with the Python layer of ``Lib/socket.py``): file descriptors of
the simulated kernel (``sockets.SocketFile``) with a timeout.

Every call is ``sock_call_ex``: the system call is made without the GIL (even when it
completes at once); a socket with a timeout first waits in ``poll()``, also without the GIL,
for at most the time left (``internal_select``), then makes the call; a socket without a
timeout sleeps in the call itself; a non-blocking one gets ``BlockingIOError``.
``socket.timeout`` (``TimeoutError("timed out")``) is raised when the time is up.
"""

from __future__ import annotations

import errno
import io
import operator
import os
import socket as host_socket
import stat
from typing import Any

from gilsim.interpreter import signals, state
from gilsim.runtime import fileio, socketmsg
from gilsim.runtime.kernel import (
    InterruptedCall,
    Kernel,
    allow_threads,
    busy,
    kernel_of,
    os_error,
    sync,
)
from gilsim.runtime.sockets import AF_INET, AF_UNIX, SocketFile, inet_address, network_of
from gilsim.runtime.sysmodule import unsupported
from gilsim.runtime.unixsockets import namespace_of, unix_address

SOCK_STREAM = host_socket.SOCK_STREAM
SO_SNDBUF, SO_RCVBUF = host_socket.SO_SNDBUF, host_socket.SO_RCVBUF
_TYPE_FLAGS = host_socket.SOCK_NONBLOCK | host_socket.SOCK_CLOEXEC


class socket:  # noqa: N801 - CPython's name
    """``socket.socket``: a stream socket of the simulated kernel."""

    def __init__(self, family: Any = -1, type: Any = -1, proto: Any = -1, fileno: Any = None):
        kernel = kernel_of(state.current_thread().interp)
        if fileno is not None:
            self._adopt(kernel, fileno, family, type, proto)
            return
        family = AF_INET if family == -1 else family
        type = SOCK_STREAM if type == -1 else type
        if family == host_socket.AF_INET6:
            # The simulated kernel has no IPv6, as a host built without it (``has_ipv6``).
            raise OSError(errno.EAFNOSUPPORT, os.strerror(errno.EAFNOSUPPORT))
        if family not in (AF_INET, AF_UNIX) or type & ~_TYPE_FLAGS != SOCK_STREAM:
            kind = None
            if type & ~_TYPE_FLAGS == host_socket.SOCK_DGRAM:
                kind = "UDP sockets" if family == AF_INET else "datagram sockets"
            raise unsupported(kind or f"socket.socket({family}, {type}, {proto})")
        if proto not in (-1, 0, 6) or (family == AF_UNIX and proto not in (-1, 0)):
            raise unsupported(f"socket.socket({family}, {type}, {proto})")
        self._setup(kernel, SocketFile(kernel, family), type, proto)

    def _setup(self, kernel: Kernel, file: SocketFile, type: int, proto: int) -> None:
        """A new descriptor of this process (``kernel``) for ``file``."""
        self._kernel = kernel
        self._file: SocketFile | None = file
        self._fd = kernel.allocate(file)
        self._family, self._type, self._proto = file.family, type & ~_TYPE_FLAGS, max(proto, 0)
        self._io_refs = 0
        self._closed = False
        default = network_of(kernel).default_timeout
        self.settimeout(0.0 if type & host_socket.SOCK_NONBLOCK else default)

    def _adopt(self, kernel: Kernel, fileno: Any, family: Any, type: Any, proto: Any) -> None:
        """``socket.socket(fileno=fd)``: an object over the descriptor ``fd`` of this
        process, which it now owns (``sock_initobj``: the family and type not given are
        the socket's own, SO_DOMAIN and SO_TYPE)."""
        fd = operator.index(fileno)
        if fd < 0:
            raise ValueError("negative file descriptor")
        file = kernel.lookup(fd)
        if file is None:
            try:
                mode = os.fstat(fd).st_mode
            except OSError:
                raise os_error(errno.EBADF) from None
            if stat.S_ISSOCK(mode):
                raise unsupported(f"socket.socket(fileno={fd}), a socket of the host")
            raise os_error(errno.ENOTSOCK)
        if not isinstance(file, SocketFile):
            raise os_error(errno.ENOTSOCK)
        self._kernel = kernel
        self._file, self._fd = file, fd
        self._family = file.family if family == -1 else operator.index(family)
        self._type = SOCK_STREAM if type == -1 else operator.index(type) & ~_TYPE_FLAGS
        self._proto = 0 if proto == -1 else operator.index(proto)
        self._io_refs = 0
        self._closed = False
        # init_sockobject: the default timeout; with none, the descriptor's own mode stays
        # (over an O_NONBLOCK descriptor CPython's timeout stays None and its calls fail with
        # BlockingIOError; here the object is non-blocking, its gettimeout() 0.0).
        default = network_of(kernel).default_timeout
        if default is None:
            self._timeout = None if file.blocking else 0.0
        else:
            self.settimeout(default)

    @classmethod
    def _over(cls, file: SocketFile) -> socket:
        """A socket object of the running process over a new descriptor for ``file``."""
        sock = cls.__new__(cls)
        sock._setup(kernel_of(state.current_thread().interp), file, SOCK_STREAM, 0)
        return sock

    # -- attributes ---------------------------------------------------------------------

    family = property(lambda self: host_socket.AddressFamily(self._family))
    type = property(lambda self: host_socket.SocketKind(self._type))
    proto = property(lambda self: self._proto)

    def fileno(self) -> int:
        return -1 if self._file is None else self._fd

    def _open(self) -> SocketFile:
        if self._file is None:
            raise os_error(errno.EBADF)
        return self._file

    def gettimeout(self) -> float | None:
        return self._timeout

    def settimeout(self, value: Any) -> None:
        if value is not None:
            if not isinstance(value, int | float):
                operator.index(value)  # the message of _PyTime_FromSecondsObject
            if value < 0:
                raise ValueError("Timeout value out of range")
            value = float(value)
        self._timeout = value
        if self._file is not None:
            self._file.blocking = value is None

    def setblocking(self, flag: Any) -> None:
        self.settimeout(None if flag else 0.0)

    def getblocking(self) -> bool:
        return self._timeout != 0.0

    def getsockname(self) -> Any:
        return self._open().local

    def getpeername(self) -> Any:
        file = self._open()
        if file.peer is None or not file.established:
            raise os_error(errno.ENOTCONN)
        return file.peer

    def setsockopt(self, level: int, option: int, value: Any, *rest: Any) -> None:
        self._open().options[(level, option)] = value

    def getsockopt(self, level: int, option: int, buflen: Any = None) -> Any:
        file = self._open()
        if (level, option) == (host_socket.SOL_SOCKET, host_socket.SO_TYPE):
            return self._type
        if level == host_socket.SOL_SOCKET and option in (SO_SNDBUF, SO_RCVBUF):
            return file.kernel.costs.socket_buffer
        return file.options.get((level, option), 0)

    def get_inheritable(self) -> bool:
        return self._open().inheritable

    def set_inheritable(self, inheritable: Any) -> None:
        self._open().inheritable = bool(inheritable)

    # -- sock_call_ex ---------------------------------------------------------------------

    def _call(self, kind: str, op: Any, *args: Any, deadline_ns: int | None = None) -> Any:
        """Make ``op(interp, thread, blocking, *args)`` as ``sock_call_ex`` does."""
        file = self._open()
        costs = file.kernel.costs
        timeout = self._timeout
        while True:
            try:
                if timeout:  # internal_select: poll() for what is left of the time
                    with allow_threads() as (interp, thread):
                        busy(interp, thread, costs.syscall_ns)
                        if deadline_ns is None:
                            deadline_ns = sync(interp) + round(timeout * 1e9)
                        ready = file.wait_ready(interp, thread, kind, deadline_ns)
                    if not ready:
                        raise TimeoutError("timed out")
                with allow_threads() as (interp, thread):
                    busy(interp, thread, costs.socket_syscall_ns)
                    try:
                        return op(interp, thread, timeout is None, *args)
                    except BlockingIOError:
                        if not timeout:
                            raise
                continue  # poll() said ready, but another thread was first: poll again
            except InterruptedCall:
                pass
            # EINTR from poll() or from the call: the handlers run (what they raise
            # propagates), then the call is tried again, up to the same deadline.
            signals.handle_signals(file.kernel.interp)

    def _wait_then(self, kind: str, action: Any) -> Any:
        def op(interp: Any, thread: Any, blocking: bool) -> Any:
            file = self._open()
            if not file.ready(kind):
                if not blocking:
                    raise os_error(errno.EAGAIN)
                file.wait_ready(interp, thread, kind, None)
            return action(file)

        return op

    # -- TCP --------------------------------------------------------------------------------

    def bind(self, address: Any) -> None:
        file = self._open()
        if file.family == AF_UNIX:
            name = unix_address(address)
            if file.endpoint is not None:  # a socketpair() socket, or a connected one
                raise os_error(errno.EINVAL)
            with allow_threads() as (interp, thread):  # sock_bind: bind() without the GIL
                busy(interp, thread, file.kernel.costs.socket_syscall_ns)
                namespace_of(interp).bind(file, name)
            return
        host, port = inet_address(address, "bind", binding=True)
        network_of(file.kernel).bind(file, host, port)

    def listen(self, backlog: Any = 128) -> None:
        operator.index(backlog)
        file = self._open()
        if file.family != AF_UNIX:
            file.listen()
            return
        with allow_threads() as (interp, thread):  # another process may connect from now
            busy(interp, thread, file.kernel.costs.socket_syscall_ns)
            file.listen()

    def accept(self) -> tuple[socket, Any]:
        file = self._call("accept", self._wait_then("accept", SocketFile.accept))
        sock = type(self)._over(file)
        return sock, file.peer

    def connect(self, address: Any) -> None:
        file = self._open()
        if file.family == AF_UNIX:
            name = unix_address(address)
            with allow_threads() as (interp, thread):  # unix_stream_connect: done at once
                busy(interp, thread, file.kernel.costs.socket_syscall_ns)
                namespace_of(interp).connect(interp, file, name)
            return
        host, port = inet_address(address, "connect", binding=False)
        if self._timeout == 0.0:
            raise unsupported("connect() on a non-blocking socket")
        try:
            with allow_threads() as (interp, thread):
                busy(interp, thread, file.kernel.costs.socket_syscall_ns)
                file.connect(interp, host, port)
                if self._timeout is None:  # a blocking connect() sleeps in the kernel
                    file.wait_ready(interp, thread, "connect", None)
                    file.connect_result()
                    return
        except InterruptedCall:
            pass
        # internal_connect: connect() failed with EINTR, the handshake goes on; once the
        # handlers ran (what they raise propagates), poll for its end (bpo-23618).
        signals.handle_signals(file.kernel.interp)
        # EINPROGRESS: poll() for the handshake, then read SO_ERROR (internal_connect)
        self._call("connect", self._wait_then("connect", SocketFile.connect_result))

    def connect_ex(self, address: Any) -> int:
        try:
            self.connect(address)
        except TimeoutError:
            return errno.EWOULDBLOCK
        except OSError as exc:
            if exc.errno is None:
                raise
            return exc.errno
        return 0

    # -- data -------------------------------------------------------------------------------

    def recv(self, bufsize: Any, flags: int = 0) -> bytes:
        size = operator.index(bufsize)
        if size < 0:
            raise ValueError("negative buffersize in recv")
        self._no_flags(flags)
        return self._call("recv", lambda i, t, b: self._open().recv(i, t, size, b))

    def recv_into(self, buffer: Any, nbytes: Any = 0, flags: int = 0) -> int:
        target = memoryview(buffer).cast("B")
        size = operator.index(nbytes)
        if size < 0:
            raise ValueError("negative buffersize in recv_into")
        if size > len(target):
            raise ValueError("buffer too small for requested bytes")
        data = self.recv(size or len(target), flags)
        target[: len(data)] = data
        return len(data)

    def send(self, data: Any, flags: int = 0) -> int:
        self._no_flags(flags)
        return self._call("send", self._sender(memoryview(data).cast("B")))

    def sendall(self, data: Any, flags: int = 0) -> None:
        """Send everything; with a timeout, the whole call has that long (3.5+)."""
        self._no_flags(flags)
        view = memoryview(data).cast("B")
        deadline_ns = None
        if self._timeout:
            deadline_ns = sync(state.current_thread().interp) + round(self._timeout * 1e9)
        sent = 0
        while sent < len(view):
            op = self._sender(view[sent:])
            sent += self._call("send", op, deadline_ns=deadline_ns)

    def sendmsg(self, buffers: Any, ancdata: Any = (), flags: Any = 0, address: Any = None):
        """``sendmsg``: the bytes of ``buffers``, with the descriptors of ``ancdata``'s
        ``SCM_RIGHTS`` items over AF_UNIX (``socketmsg``)."""
        data = memoryview(socketmsg.message_bytes(buffers))
        fds = socketmsg.rights_sent(ancdata)
        self._no_flags(flags)
        file = self._open()
        if address is not None:
            if file.family != AF_UNIX:
                raise unsupported("sendmsg() to an address")
            raise os_error(errno.EISCONN if file.endpoint is not None else errno.EOPNOTSUPP)
        files = socketmsg.files_of(self._kernel, fds) if file.family == AF_UNIX else []
        if not files:
            return self._call("send", self._sender(data))

        def op(interp: Any, thread: Any, blocking: bool) -> int:
            return self._open().send(interp, thread, data, blocking, files)

        return self._call("send", op)

    def recvmsg(self, bufsize: Any, ancbufsize: Any = 0, flags: Any = 0) -> tuple:
        """``recvmsg``: ``(data, ancdata, msg_flags, address)``; descriptors that came with
        the bytes are installed in this process (``socketmsg``)."""
        size = operator.index(bufsize)
        if size < 0:
            raise ValueError("negative buffer size in recvmsg()")
        room = socketmsg.ancillary_room(ancbufsize)
        self._no_flags(flags)

        def op(interp: Any, thread: Any, blocking: bool) -> tuple[bytes, list]:
            return self._open().recvmsg(interp, thread, size, blocking)

        data, files = self._call("recv", op)
        ancdata, msg_flags = socketmsg.received(self._kernel, files, room)
        return data, ancdata, msg_flags, None

    def _sender(self, view: memoryview) -> Any:
        return lambda interp, thread, blocking: self._open().send(interp, thread, view, blocking)

    def _no_flags(self, flags: Any) -> None:
        if flags:
            raise unsupported(f"socket flags ({flags})")

    def shutdown(self, how: Any) -> None:
        how = operator.index(how)
        file = self._open()
        if how not in (0, 1, 2):
            raise os_error(errno.EINVAL)
        with allow_threads() as (interp, thread):
            busy(interp, thread, file.kernel.costs.socket_syscall_ns)
            file.shutdown(interp, how)

    # -- closing ----------------------------------------------------------------------------

    def close(self, quiet: bool = False) -> None:
        """``socket.close`` (``Lib/socket.py``): the descriptor goes once no file made by
        ``makefile`` uses it."""
        self._closed = True
        if self._io_refs <= 0:
            self._real_close(quiet)

    def _real_close(self, quiet: bool = False) -> None:
        """``sock_close``: ``close()`` without the GIL; ``quiet`` (a finalizer: see
        ``fileio.finalizing``) closes at once instead."""
        file = self._file
        if file is None:
            return
        self._file = None
        kernel = self._kernel
        # (If os.close() closed the descriptor already, it names nothing or another file.)
        if quiet or not fileio.simulating(kernel.interp):
            kernel.close(self._fd, file)
            return
        with allow_threads() as (interp, thread):
            busy(interp, thread, kernel.costs.syscall_ns)
            kernel.close(self._fd, file)

    def dup(self) -> socket:
        """``socket.dup`` (``Lib/socket.py``): a new socket object over a new descriptor."""
        file = self._open()
        with allow_threads() as (interp, thread):
            busy(interp, thread, self._kernel.costs.syscall_ns)
            fd = self._kernel.allocate(file)
        sock = type(self)(self._family, self._type, self._proto, fileno=fd)
        sock.settimeout(self.gettimeout())
        return sock

    def detach(self) -> int:
        """``socket.detach``: the object is closed, its descriptor is not and is returned
        (``multiprocessing.Pipe`` keeps the descriptors of a ``socketpair``)."""
        file = self._file
        if file is None:
            return -1
        self._file = None
        self._closed = True
        return self._fd

    def _decref_socketios(self, quiet: bool = False) -> None:
        if self._io_refs > 0:
            self._io_refs -= 1
        if self._closed:
            self.close(quiet)

    def __del__(self) -> None:
        if getattr(self, "_file", None) is not None:
            self._real_close(quiet=True)

    def __enter__(self) -> socket:
        return self

    def __exit__(self, *args: Any) -> None:
        if not self._closed:
            self.close()

    def makefile(
        self,
        mode: str = "r",
        buffering: Any = None,
        *,
        encoding: Any = None,
        errors: Any = None,
        newline: Any = None,
    ) -> Any:
        """``socket.makefile`` (``Lib/socket.py``) with the simulated buffered layer."""
        if not set(mode) <= {"r", "w", "b"}:
            raise ValueError(f"invalid mode {mode!r} (only r, w, b allowed)")
        reading, writing = "r" in mode or "w" not in mode, "w" in mode
        rawmode: Any = ("r" if reading else "") + ("w" if writing else "")
        raw = SocketIO(self, rawmode)  # type: ignore[arg-type]
        self._io_refs += 1
        if buffering is None:
            buffering = -1
        if buffering < 0:
            buffering = io.DEFAULT_BUFFER_SIZE
        if buffering == 0:
            if "b" not in mode:
                raise ValueError("unbuffered streams must be binary")
            return raw
        if reading and writing:
            buffer: Any = io.BufferedRWPair(
                fileio.BufferedReader(raw, buffering), fileio.BufferedWriter(raw, buffering)
            )
        elif reading:
            buffer = fileio.BufferedReader(raw, buffering)
        else:
            buffer = fileio.BufferedWriter(raw, buffering)
        if "b" in mode:
            return buffer
        text = io.TextIOWrapper(buffer, encoding, errors, newline)
        text.mode = mode  # type: ignore[misc]
        return text

    def __repr__(self) -> str:
        closed = " [closed]" if self._file is None else ""
        text = (
            f"<socket.socket{closed} fd={self.fileno()}, family={self.family}, "
            f"type={self.type}, proto={self._proto}"
        )
        if self._file is not None:
            if self._file.family == AF_INET or self._file.local:
                text += f", laddr={self._file.local}"
            if self._file.peer and self._file.established:
                text += f", raddr={self._file.peer}"
        return text + ">"

    def __getattr__(self, name: str) -> Any:
        if name in _REFUSED:
            raise unsupported(f"socket.{name}()")
        raise AttributeError(f"'socket' object has no attribute '{name}'")


socket.__module__ = "socket"
_REFUSED = frozenset(
    {"sendto", "recvfrom", "recvfrom_into", "recvmsg_into", "sendfile", "ioctl", "share"}
)  # fmt: skip


class SocketIO(host_socket.SocketIO):
    """``socket.SocketIO`` (``Lib/socket.py``), telling the socket when it is closed by its
    finalizer (which must not release the GIL: ``fileio.finalizing``)."""

    def close(self) -> None:
        if self.closed:
            return
        io.RawIOBase.close(self)
        sock = self.__dict__["_sock"]
        self.__dict__["_sock"] = None
        sock._decref_socketios(quiet=fileio.finalizing(self))
