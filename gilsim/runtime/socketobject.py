"""The ``socket.socket`` objects of the simulated program (``PySocketSockObject`` in
``Modules/socketmodule.c``, with the Python layer of ``Lib/socket.py``): a descriptor of
the simulated kernel with a timeout.  The object keeps only what CPython's does (its
descriptor, family, type, protocol and timeout); every call into the kernel is a system
call of ``netcalls``, made through the door of ``syscall`` with plain data.

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
from typing import Any

from gilsim.interpreter import signals, state
from gilsim.runtime import fileio, netcalls, socketmsg, syscall
from gilsim.runtime.kernel import InterruptedCall, os_error, sync
from gilsim.runtime.sockets import AF_INET, AF_UNIX, inet_address
from gilsim.runtime.sysmodule import unsupported
from gilsim.runtime.unixsockets import unix_address

SOCK_STREAM = host_socket.SOCK_STREAM
_TYPE_FLAGS = host_socket.SOCK_NONBLOCK | host_socket.SOCK_CLOEXEC


def timeout_value(value: Any) -> float | None:
    """A timeout in seconds as ``settimeout`` takes it (``socket_parse_timeout``)."""
    if value is not None:
        if not isinstance(value, int | float):
            operator.index(value)  # the message of _PyTime_FromSecondsObject
        if value < 0:
            raise ValueError("Timeout value out of range")
        value = float(value)
    return value


class socket:  # noqa: N801 - CPython's name
    """``socket.socket``: a stream socket of the simulated kernel."""

    def __init__(self, family: Any = -1, type: Any = -1, proto: Any = -1, fileno: Any = None):
        if fileno is not None:
            self._adopt(fileno, family, type, proto)
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
        self._setup(syscall.held(netcalls.socket, int(family)), family, type, proto)

    def _setup(self, fd: int, family: int, type: int, proto: int) -> None:
        """The object over ``fd``, a new descriptor of this process."""
        self._interp = state.current_thread().interp
        self._fd = fd
        self._family, self._type, self._proto = int(family), type & ~_TYPE_FLAGS, max(proto, 0)
        self._io_refs = 0
        self._closed = False
        default = syscall.held(netcalls.getdefaulttimeout)
        self.settimeout(0.0 if type & host_socket.SOCK_NONBLOCK else default)

    def _adopt(self, fileno: Any, family: Any, type: Any, proto: Any) -> None:
        """``socket.socket(fileno=fd)``: an object over the descriptor ``fd`` of this
        process, which it now owns (``sock_initobj``: the family and type not given are
        the socket's own, SO_DOMAIN and SO_TYPE)."""
        fd = operator.index(fileno)
        if fd < 0:
            raise ValueError("negative file descriptor")
        own_family, blocking = syscall.held(netcalls.sock_adopt, fd)
        self._interp = state.current_thread().interp
        self._fd = fd
        self._family = own_family if family == -1 else operator.index(family)
        self._type = SOCK_STREAM if type == -1 else operator.index(type) & ~_TYPE_FLAGS
        self._proto = 0 if proto == -1 else operator.index(proto)
        self._io_refs = 0
        self._closed = False
        # init_sockobject: the default timeout; with none, the descriptor's own mode stays
        # (over an O_NONBLOCK descriptor CPython's timeout stays None and its calls fail with
        # BlockingIOError; here the object is non-blocking, its gettimeout() 0.0).
        default = syscall.held(netcalls.getdefaulttimeout)
        if default is None:
            self._timeout = None if blocking else 0.0
        else:
            self.settimeout(default)

    @classmethod
    def _over(cls, fd: int, family: int) -> socket:
        """A socket object of the running process over its new descriptor ``fd``."""
        sock = cls.__new__(cls)
        sock._setup(fd, family, SOCK_STREAM, 0)
        return sock

    # -- attributes ---------------------------------------------------------------------

    family = property(lambda self: host_socket.AddressFamily(self._family))
    type = property(lambda self: host_socket.SocketKind(self._type))
    proto = property(lambda self: self._proto)

    def fileno(self) -> int:
        return self._fd

    def _open(self) -> int:
        """The descriptor, or EBADF once the object is closed."""
        if self._fd < 0:
            raise os_error(errno.EBADF)
        return self._fd

    def gettimeout(self) -> float | None:
        return self._timeout

    def settimeout(self, value: Any) -> None:
        self._timeout = value = timeout_value(value)
        if self._fd >= 0:
            syscall.held(netcalls.internal_setblocking, self._fd, value is None)

    def setblocking(self, flag: Any) -> None:
        self.settimeout(None if flag else 0.0)

    def getblocking(self) -> bool:
        return self._timeout != 0.0

    def getsockname(self) -> Any:
        return syscall.held(netcalls.getsockname, self._open())

    def getpeername(self) -> Any:
        return syscall.held(netcalls.getpeername, self._open())

    def setsockopt(self, level: int, option: int, value: Any, *rest: Any) -> None:
        if value is not None and not isinstance(value, int):
            value = bytes(memoryview(value))  # (the kernel keeps a copy, as Linux does)
        syscall.held(netcalls.setsockopt, self._open(), level, option, value)

    def getsockopt(self, level: int, option: int, buflen: Any = None) -> Any:
        value = syscall.held(netcalls.getsockopt, self._open(), level, option)
        if (level, option) == (host_socket.SOL_SOCKET, host_socket.SO_TYPE):
            return self._type
        return value

    def get_inheritable(self) -> bool:
        return syscall.held(netcalls.sock_get_inheritable, self._open())

    def set_inheritable(self, inheritable: Any) -> None:
        syscall.held(netcalls.sock_set_inheritable, self._open(), bool(inheritable))

    # -- sock_call_ex ---------------------------------------------------------------------

    def _call(self, kind: str, body: Any, *args: Any, deadline_ns: int | None = None) -> Any:
        """Make the system call ``body(fd, blocking, *args)`` as ``sock_call_ex`` does."""
        fd = self._open()
        timeout = self._timeout
        while True:
            try:
                if timeout:  # internal_select: poll() for what is left of the time
                    ready, deadline_ns = syscall.released(
                        netcalls.internal_select, fd, kind, round(timeout * 1e9), deadline_ns
                    )
                    if not ready:
                        raise TimeoutError("timed out")
                try:
                    return syscall.released(body, fd, timeout is None, *args)
                except BlockingIOError:
                    if not timeout:
                        raise
                continue  # poll() said ready, but another thread was first: poll again
            except InterruptedCall:
                pass
            # EINTR from poll() or from the call: the handlers run (what they raise
            # propagates), then the call is tried again, up to the same deadline.
            signals.handle_signals(self._interp)

    # -- TCP --------------------------------------------------------------------------------

    def bind(self, address: Any) -> None:
        fd = self._open()
        if self._family == AF_UNIX:
            name = unix_address(address)
            syscall.released(netcalls.bind, fd, name)  # sock_bind: bind() without the GIL
            return
        syscall.held(netcalls.bind, fd, inet_address(address, "bind", binding=True))

    def listen(self, backlog: Any = 128) -> None:
        backlog = operator.index(backlog)
        fd = self._open()
        if self._family != AF_UNIX:
            syscall.held(netcalls.listen, fd, backlog)
            return
        syscall.released(netcalls.listen, fd, backlog)  # another process may connect from now

    def accept(self) -> tuple[socket, Any]:
        fd, peer = self._call("accept", netcalls.accept4)
        return type(self)._over(fd, self._family), peer

    def connect(self, address: Any) -> None:
        fd = self._open()
        if self._family == AF_UNIX:  # unix_stream_connect: done at once
            syscall.released(netcalls.connect, fd, unix_address(address), True)
            return
        host_port = inet_address(address, "connect", binding=False)
        if self._timeout == 0.0:
            raise unsupported("connect() on a non-blocking socket")
        try:
            # a blocking connect() sleeps in the kernel
            if syscall.released(netcalls.connect, fd, host_port, self._timeout is None):
                return
        except InterruptedCall:
            pass
        # internal_connect: connect() failed with EINTR, the handshake goes on; once the
        # handlers ran (what they raise propagates), poll for its end (bpo-23618).
        signals.handle_signals(self._interp)
        # EINPROGRESS: poll() for the handshake, then read SO_ERROR (internal_connect)
        self._call("connect", netcalls.sock_connect_result)

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
        return self._call("recv", netcalls.recv, size)

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
        return self._call("send", netcalls.send, bytes(memoryview(data).cast("B")))

    def sendall(self, data: Any, flags: int = 0) -> None:
        """Send everything; with a timeout, the whole call has that long (3.5+)."""
        self._no_flags(flags)
        view = memoryview(data).cast("B")
        deadline_ns = None
        if self._timeout:
            deadline_ns = sync(state.current_thread().interp) + round(self._timeout * 1e9)
        sent = 0
        while sent < len(view):
            rest = bytes(view[sent:])
            sent += self._call("send", netcalls.send, rest, deadline_ns=deadline_ns)

    def sendmsg(self, buffers: Any, ancdata: Any = (), flags: Any = 0, address: Any = None):
        """``sendmsg``: the bytes of ``buffers``, with the descriptors of ``ancdata``'s
        ``SCM_RIGHTS`` items over AF_UNIX (``socketmsg``)."""
        data = socketmsg.message_bytes(buffers)
        fds = syscall.host_fds_in(socketmsg.rights_sent(ancdata))
        self._no_flags(flags)
        fd = self._open()
        if address is not None:
            if self._family != AF_UNIX:
                raise unsupported("sendmsg() to an address")
            connected = syscall.held(netcalls.sock_connected, fd)
            raise os_error(errno.EISCONN if connected else errno.EOPNOTSUPP)
        syscall.held(netcalls.scm_send, fd, fds)
        return self._call("send", netcalls.sendmsg, data, fds)

    def recvmsg(self, bufsize: Any, ancbufsize: Any = 0, flags: Any = 0) -> tuple:
        """``recvmsg``: ``(data, ancdata, msg_flags, address)``; descriptors that came with
        the bytes are installed in this process (``socketmsg``)."""
        size = operator.index(bufsize)
        if size < 0:
            raise ValueError("negative buffer size in recvmsg()")
        room = socketmsg.ancillary_room(ancbufsize)
        self._no_flags(flags)
        data, fds, msg_flags = self._call("recv", netcalls.recvmsg, size, room)
        return data, socketmsg.rights_received(syscall.host_fds_out(fds)), msg_flags, None

    def _no_flags(self, flags: Any) -> None:
        if flags:
            raise unsupported(f"socket flags ({flags})")

    def shutdown(self, how: Any) -> None:
        how = operator.index(how)
        fd = self._open()
        if how not in (0, 1, 2):
            raise os_error(errno.EINVAL)
        syscall.released(netcalls.shutdown, fd, how)

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
        fd = self._fd
        if fd < 0:
            return
        self._fd = -1
        if quiet or not fileio.simulating(self._interp):
            syscall.at_once(self._interp, netcalls.sock_close_at_once, fd)
            return
        syscall.released(netcalls.sock_close, fd)

    def dup(self) -> socket:
        """``socket.dup`` (``Lib/socket.py``): a new socket object over a new descriptor."""
        fd = syscall.released(netcalls.socket_dup, self._open())
        sock = type(self)(self._family, self._type, self._proto, fileno=fd)
        sock.settimeout(self.gettimeout())
        return sock

    def detach(self) -> int:
        """``socket.detach``: the object is closed, its descriptor is not and is returned
        (``multiprocessing.Pipe`` keeps the descriptors of a ``socketpair``)."""
        fd = self._fd
        if fd < 0:
            return -1
        self._fd = -1
        self._closed = True
        return fd

    def _decref_socketios(self, quiet: bool = False) -> None:
        if self._io_refs > 0:
            self._io_refs -= 1
        if self._closed:
            self.close(quiet)

    def __del__(self) -> None:
        if getattr(self, "_fd", -1) >= 0:
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
            buffer: Any = fileio.BufferedRWPair(raw, raw, buffering)
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
        closed = " [closed]" if self._fd < 0 else ""
        text = (
            f"<socket.socket{closed} fd={self.fileno()}, family={self.family}, "
            f"type={self.type}, proto={self._proto}"
        )
        if self._fd >= 0:
            local, peer = syscall.at_once(self._interp, netcalls.sock_repr, self._fd)
            if local is not None:
                text += f", laddr={local}"
            if peer is not None:
                text += f", raddr={peer}"
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
