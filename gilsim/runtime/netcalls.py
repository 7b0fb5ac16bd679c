"""The socket system calls (``net/socket.c``): the kernel's side of ``socket.socket``.

Each is a ``syscall.system_call`` taking and returning plain data: a socket is its
descriptor number, an accepted or received socket the number installed in the caller's
table.  The loops CPython runs in user space (``sock_call_ex``'s poll-then-call, ``sendall``)
stay in ``socketobject``; each step of them is one call here.  A call made without the GIL
keeps its thread on its core for ``socket_syscall_ns`` (``syscall_ns`` for ``poll``,
``close`` and ``dup``) before it looks at the socket, as the program's side did before the
cut (issue 19).
"""

from __future__ import annotations

import errno
import os
import socket as host_socket
import stat
from typing import Any

from gilsim.interpreter import state
from gilsim.machine import OSThread
from gilsim.runtime import hostfds, sockets
from gilsim.runtime.kernel import Kernel, busy, is_host_fd, os_error, release, sync
from gilsim.runtime.sockets import AF_INET, AF_UNIX, SocketFile, network_of
from gilsim.runtime.syscall import quick_call, system_call
from gilsim.runtime.sysmodule import unsupported
from gilsim.runtime.unixsockets import namespace_of

SO_SNDBUF, SO_RCVBUF = host_socket.SO_SNDBUF, host_socket.SO_RCVBUF
SOL_SOCKET, SCM_RIGHTS = host_socket.SOL_SOCKET, host_socket.SCM_RIGHTS
MSG_CTRUNC = int(host_socket.MSG_CTRUNC)

Interp = state.InterpreterState


def _socket(kernel: Kernel, fd: int) -> SocketFile:
    """The socket ``fd`` names (``sockfd_lookup``): EBADF if none, ENOTSOCK if not a
    socket."""
    file = kernel.lookup(fd)
    if file is None:
        raise os_error(errno.EBADF)
    if not isinstance(file, SocketFile):
        raise os_error(errno.ENOTSOCK)
    return file


def _call_cost(kernel: Kernel, interp: Interp, thread: OSThread) -> None:
    busy(interp, thread, kernel.costs.socket_syscall_ns)


def _wait_for(file: SocketFile, interp: Interp, thread: OSThread, kind: str, block: bool) -> None:
    """What a call that needs ``kind`` does when it is not ready: EAGAIN, or sleep."""
    if not file.ready(kind):
        if not block:
            raise os_error(errno.EAGAIN)
        file.wait_ready(interp, thread, kind, None)


# -- making sockets --------------------------------------------------------------------------


@system_call
def socket(kernel: Kernel, interp: Interp, thread: OSThread, family: int) -> int:
    """``socket(2)``: a new stream socket of ``family``, its descriptor."""
    return kernel.allocate(SocketFile(kernel, family))


@system_call
def socketpair(kernel: Kernel, interp: Interp, thread: OSThread) -> tuple[int, int]:
    """``socketpair(2)`` (AF_UNIX, SOCK_STREAM): two connected sockets, their descriptors."""
    _call_cost(kernel, interp, thread)
    first, second = sockets.socketpair(kernel)
    return kernel.allocate(first), kernel.allocate(second)


@system_call
def sock_adopt(kernel: Kernel, interp: Interp, thread: OSThread, fd: int) -> tuple[int, bool]:
    """``sock_initobj`` over ``fd`` (``socket(fileno=fd)``): the socket's family (SO_DOMAIN)
    and whether it blocks (``O_NONBLOCK``)."""
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
    return int(file.family), file.blocking


@system_call
def socket_dup(kernel: Kernel, interp: Interp, thread: OSThread, fd: int) -> int:
    """``_socket.dup`` (``dup(2)``): a new descriptor for the socket ``fd`` names."""
    file = kernel.lookup(fd)
    if file is None:
        raise unsupported(f"socket.dup({fd!r}) of a descriptor of the host")
    busy(interp, thread, kernel.costs.syscall_ns)
    return kernel.allocate(file)


@system_call
def sock_close(kernel: Kernel, interp: Interp, thread: OSThread, fd: int) -> None:
    """``close(2)`` of a socket's descriptor (``sock_close``)."""
    busy(interp, thread, kernel.costs.syscall_ns)
    sock_close_at_once(kernel, fd)


@quick_call
def sock_close_at_once(kernel: Kernel, fd: int) -> None:
    """``sock_close`` at once, keeping no thread busy (a finalizer's: ``syscall.at_once``).
    A descriptor that ``os.close`` closed already names nothing, or another file, which
    stays open."""
    file = kernel.lookup(fd)
    if isinstance(file, SocketFile):
        kernel.close(fd, file)


@system_call
def getdefaulttimeout(kernel: Kernel, interp: Interp, thread: OSThread) -> float | None:
    """``socket.getdefaulttimeout()``: the default the kernel keeps for this process."""
    return kernel.default_timeout


@system_call
def setdefaulttimeout(
    kernel: Kernel, interp: Interp, thread: OSThread, timeout: float | None
) -> None:
    """``socket.setdefaulttimeout()``."""
    kernel.default_timeout = timeout


# -- options and names -------------------------------------------------------------------------


@system_call
def internal_setblocking(
    kernel: Kernel, interp: Interp, thread: OSThread, fd: int, block: bool
) -> None:
    """``internal_setblocking``: ``O_NONBLOCK`` off (``block``) or on (``fcntl``)."""
    file = kernel.lookup(fd)
    if isinstance(file, SocketFile):
        file.blocking = block


@system_call
def sock_get_inheritable(kernel: Kernel, interp: Interp, thread: OSThread, fd: int) -> bool:
    """``_Py_get_inheritable``: whether ``FD_CLOEXEC`` is off."""
    return _socket(kernel, fd).inheritable


@system_call
def sock_set_inheritable(
    kernel: Kernel, interp: Interp, thread: OSThread, fd: int, inheritable: bool
) -> None:
    """``_Py_set_inheritable``."""
    _socket(kernel, fd).inheritable = inheritable


@system_call
def getsockname(kernel: Kernel, interp: Interp, thread: OSThread, fd: int) -> Any:
    """``getsockname(2)``: the socket's own address."""
    return _socket(kernel, fd).local


@system_call
def getpeername(kernel: Kernel, interp: Interp, thread: OSThread, fd: int) -> Any:
    """``getpeername(2)``: the address of the connected peer, or ENOTCONN."""
    file = _socket(kernel, fd)
    if file.peer is None or not file.established:
        raise os_error(errno.ENOTCONN)
    return file.peer


@quick_call
def sock_repr(kernel: Kernel, fd: int) -> tuple:
    """What ``repr()`` of a socket object shows: ``(laddr, raddr)``, each None when not
    shown; both None if ``fd`` names no socket.  Made at once (``syscall.at_once``): a
    repr may be asked for after the run too."""
    file = kernel.lookup(fd)
    if not isinstance(file, SocketFile):
        return None, None
    local = file.local if file.family == AF_INET or file.local else None
    peer = file.peer if file.peer and file.established else None
    return local, peer


@system_call
def setsockopt(
    kernel: Kernel, interp: Interp, thread: OSThread, fd: int, level: int, option: int, value: Any
) -> None:
    """``setsockopt(2)``: kept, and read back by ``getsockopt``."""
    _socket(kernel, fd).options[(level, option)] = value


@system_call
def getsockopt(
    kernel: Kernel, interp: Interp, thread: OSThread, fd: int, level: int, option: int
) -> Any:
    """``getsockopt(2)``: what ``setsockopt`` set (0 if nothing), the buffers' size."""
    file = _socket(kernel, fd)
    if level == SOL_SOCKET and option in (SO_SNDBUF, SO_RCVBUF):
        return kernel.costs.socket_buffer
    return file.options.get((level, option), 0)


# -- addresses and connections -------------------------------------------------------------------


@system_call
def bind(kernel: Kernel, interp: Interp, thread: OSThread, fd: int, address: Any) -> None:
    """``bind(2)``: an AF_UNIX name (bytes; the GIL is released) or a loopback ``(host,
    port)`` (with the GIL held: ``inet_bind`` sleeps on nothing another process shares)."""
    file = _socket(kernel, fd)
    if file.family == AF_UNIX:
        _call_cost(kernel, interp, thread)
        namespace_of(interp).bind(file, address)
        return
    host, port = address
    network_of(kernel).bind(file, host, port)


@system_call
def listen(kernel: Kernel, interp: Interp, thread: OSThread, fd: int, backlog: int) -> None:
    """``listen(2)`` (the backlog is not limited); an AF_UNIX socket is made without the
    GIL (another process may connect from now)."""
    file = _socket(kernel, fd)
    if file.family == AF_UNIX:
        _call_cost(kernel, interp, thread)
    file.listen()


@system_call
def accept4(
    kernel: Kernel, interp: Interp, thread: OSThread, fd: int, block: bool
) -> tuple[int, Any]:
    """``accept4(2)``: the next connection of the accept queue (sleeping for one if
    ``block``, else EAGAIN), as a new descriptor, and its peer's address."""
    _call_cost(kernel, interp, thread)
    file = _socket(kernel, fd)
    _wait_for(file, interp, thread, "accept", block)
    accepted = file.accept()
    return kernel.allocate(accepted), accepted.peer


@system_call
def connect(
    kernel: Kernel, interp: Interp, thread: OSThread, fd: int, address: Any, block: bool
) -> bool:
    """``connect(2)``: AF_UNIX (a name, bytes) connects at once; TCP sends the SYN, and a
    blocking socket sleeps for the handshake's end and raises its error.  True if the
    connection is made, False if it is under way (EINPROGRESS: ``sock_connect_result``)."""
    _call_cost(kernel, interp, thread)
    file = _socket(kernel, fd)
    if file.family == AF_UNIX:
        namespace_of(interp).connect(interp, file, address)
        return True
    host, port = address
    file.connect(interp, host, port)
    if not block:
        return False
    file.wait_ready(interp, thread, "connect", None)
    file.connect_result()
    return True


@system_call
def sock_connect_result(
    kernel: Kernel, interp: Interp, thread: OSThread, fd: int, block: bool
) -> None:
    """The end of a connect that was under way (``internal_connect``): once the handshake is
    over, ``getsockopt(SO_ERROR)``, raised."""
    _call_cost(kernel, interp, thread)
    file = _socket(kernel, fd)
    _wait_for(file, interp, thread, "connect", block)
    file.connect_result()


@system_call
def internal_select(
    kernel: Kernel,
    interp: Interp,
    thread: OSThread,
    fd: int,
    kind: str,
    timeout_ns: int,
    deadline_ns: int | None,
) -> tuple[bool, int]:
    """``internal_select``: ``poll()`` the socket for ``kind`` (``"recv"``, ``"send"``,
    ``"accept"``, ``"connect"``) until ``deadline_ns``, or ``timeout_ns`` from now when there
    is none yet; whether it is ready, and the deadline (kept across the caller's retries)."""
    busy(interp, thread, kernel.costs.syscall_ns)
    if deadline_ns is None:
        deadline_ns = sync(interp) + timeout_ns
    file = _socket(kernel, fd)
    return file.wait_ready(interp, thread, kind, deadline_ns), deadline_ns


@system_call
def shutdown(kernel: Kernel, interp: Interp, thread: OSThread, fd: int, how: int) -> None:
    """``shutdown(2)``."""
    _call_cost(kernel, interp, thread)
    _socket(kernel, fd).shutdown(interp, how)


# -- data ------------------------------------------------------------------------------------------


@system_call
def recv(
    kernel: Kernel, interp: Interp, thread: OSThread, fd: int, block: bool, size: int
) -> bytes:
    """``recv(2)``."""
    _call_cost(kernel, interp, thread)
    return _socket(kernel, fd).recv(interp, thread, size, block)


@system_call
def send(
    kernel: Kernel, interp: Interp, thread: OSThread, fd: int, block: bool, data: bytes
) -> int:
    """``send(2)``: the count sent."""
    _call_cost(kernel, interp, thread)
    return _socket(kernel, fd).send(interp, thread, data, block)


@system_call
def sock_connected(kernel: Kernel, interp: Interp, thread: OSThread, fd: int) -> bool:
    """Whether the socket is connected (or being connected): what ``sendmsg`` to an address
    looks at first, with the GIL held."""
    return _socket(kernel, fd).endpoint is not None


@system_call
def scm_send(kernel: Kernel, interp: Interp, thread: OSThread, fd: int, fds: list[int]) -> None:
    """``__scm_send``'s checks of the descriptors ``sendmsg`` is to pass, made first with
    the GIL held: EBADF for a number that names nothing (over AF_UNIX only: TCP ignores
    ``SCM_RIGHTS``)."""
    if _socket(kernel, fd).family != AF_UNIX:
        return
    for number in fds:
        if kernel.lookup(number) is None and (number < 0 or not is_host_fd(number)):
            raise os_error(errno.EBADF)


@system_call
def sendmsg(
    kernel: Kernel,
    interp: Interp,
    thread: OSThread,
    fd: int,
    block: bool,
    data: bytes,
    fds: list[int],
) -> int:
    """``sendmsg(2)``: ``data``, with the open files the descriptors ``fds`` name
    (``SCM_RIGHTS``, AF_UNIX only: ignored over TCP, ``__sock_cmsg_send``)."""
    _call_cost(kernel, interp, thread)
    file = _socket(kernel, fd)
    if not fds or file.family != AF_UNIX:
        return file.send(interp, thread, data, block)
    files = files_of(kernel, fds)
    try:
        return file.send(interp, thread, data, block, files)
    except BaseException:
        for sent in files:  # none went: the duplicates of the host's close again
            if isinstance(sent, hostfds.HostFile) and not sent.descriptors:
                os.close(sent.fd)
        raise


@system_call
def recvmsg(
    kernel: Kernel, interp: Interp, thread: OSThread, fd: int, block: bool, size: int, room: int
) -> tuple[bytes, list[int], int]:
    """``recvmsg(2)``: up to ``size`` bytes, the descriptors installed here for the files
    that came with them (at most ``room``: the rest are closed), and the flags
    (``MSG_CTRUNC`` if some were)."""
    _call_cost(kernel, interp, thread)
    data, files = _socket(kernel, fd).recvmsg(interp, thread, size, block)
    fds, flags = received(kernel, files, room)
    return data, fds, flags


def files_of(kernel: Kernel, fds: list[int]) -> list[Any]:
    """The open files the sender's descriptors name (``scm_fp_copy``: ``fget`` of each);
    a descriptor of the host (a file the program opened) travels as a duplicate
    (``hostfds``)."""
    files = []
    for fd in fds:
        file = kernel.lookup(fd)
        if file is None:
            if fd < 0:
                raise os_error(errno.EBADF)
            if not kernel.interp.runs_here:
                # Handed in for this message (``syscall.host_fds_in``): it is the message's.
                if fd not in kernel.handed_in:
                    raise os_error(errno.EBADF)
                kernel.handed_in.discard(fd)
                file = hostfds.HostFile(fd)
            elif not is_host_fd(fd):
                raise os_error(errno.EBADF)
            else:
                file = hostfds.send(kernel.interp.machine, fd)
        files.append(file)
    return files


def received(kernel: Kernel, files: list[Any], room: int) -> tuple[list[int], int]:
    """The descriptors of the receiver for ``files`` that came with the bytes, and the
    flags: the first ``room`` get descriptors here (``fd_install``), the rest are closed
    (``scm_detach_fds``, ``MSG_CTRUNC``)."""
    kept, dropped = files[:room], files[room:]
    interp = kernel.interp
    for file in dropped:
        release(interp, file)
    fds = []
    for file in kept:
        if isinstance(file, hostfds.HostFile) and not interp.runs_here:
            # (Taken across to the receiver's host process: ``syscall.host_fds_out``.)
            kernel.handed_out.add(file.fd)
            fds.append(file.fd)
        elif isinstance(file, hostfds.HostFile):
            fds.append(hostfds.receive(interp.machine, interp.process.number, file))
        else:
            fds.append(kernel.install(file))
    return fds, MSG_CTRUNC if dropped else 0
