"""Sockets in the simulated kernel: stream sockets connected in pairs (``socketpair``, AF_UNIX)
and TCP over loopback, with listening sockets, their accept queues and a port table
(``net/unix/af_unix.c``, ``net/ipv4/tcp.c``, ``inet_csk_accept``, reduced to what a program
between threads can observe).  AF_UNIX sockets bound to a name are in ``unixsockets``.

A connection is two ``streams.Stream``: one per direction, each holding ``socket_buffer``
bytes.  Over loopback every segment, and the end of the stream, arrives after
``loopback_latency_ns``; a socketpair delivers at once.

Opening a TCP connection takes one round trip: the SYN reaches the listener after one latency
(the new connection joins its accept queue, and a thread sleeping in ``accept`` wakes), the
SYN-ACK comes back after another (a thread sleeping in ``connect`` wakes).  A port with no
listener refuses at once (loopback answers the SYN with a RST within the ``connect`` call).
Not modelled: backlog limits, TIME_WAIT, RST on data sent to a closed socket (a send after
the peer closed fails with EPIPE once the close has crossed the connection), urgent data.
There is no other host: an address that is not loopback is refused (``loopback``).

Everything here runs without the GIL, inside ``kernel.allow_threads``, reached through the
system calls of ``netcalls``; the ``socket`` objects of the program, with their timeouts,
are in ``socketobject``.
"""

from __future__ import annotations

import collections
import errno
import ipaddress
import operator
import socket as host_socket
from typing import Any

from gilsim.interpreter import state
from gilsim.machine import Machine, OSThread, Wait
from gilsim.runtime.kernel import Kernel, WaitQueue, os_error, sync
from gilsim.runtime.streams import Stream
from gilsim.runtime.sysmodule import unsupported

AF_INET, AF_UNIX = host_socket.AF_INET, host_socket.AF_UNIX

# ip_local_port_range (ip(7)): where ports for bind(port 0) and connect() come from.
EPHEMERAL_PORTS = range(32_768, 61_000)


def loopback(host: Any, binding: bool) -> str:
    """The IPv4 address a host names, if it is this machine's; else a refusal."""
    if not isinstance(host, str):
        raise TypeError(f"str, bytes or bytearray expected, not {type(host).__name__}")
    if host in ("", "localhost"):
        return "0.0.0.0" if binding and host == "" else "127.0.0.1"
    try:
        address = ipaddress.ip_address(host)
    except ValueError:
        raise unsupported(f"resolving the host name {host!r} (only loopback is simulated)")
    if address.version == 4 and (address.is_loopback or (binding and address.is_unspecified)):
        return host
    doing = "binding to" if binding else "connecting to"
    raise unsupported(f"{doing} {host} (only loopback is simulated)")


def inet_address(address: Any, call: str, binding: bool) -> tuple[str, int]:
    """``getsockaddrarg`` for AF_INET."""
    if not isinstance(address, tuple):
        raise TypeError(f"{call}(): AF_INET address must be tuple, not {type(address).__name__}")
    if len(address) != 2:
        raise TypeError("AF_INET address must be a pair (host, port)")
    host, port = address
    ip = loopback(host, binding)
    port = operator.index(port)
    if not 0 <= port <= 65535:
        raise OverflowError(f"{call}(): port must be 0-65535.")
    return ip, port


class Endpoint:
    """One side of an established connection."""

    def __init__(self, incoming: Stream, outgoing: Stream) -> None:
        self.incoming = incoming
        self.outgoing = outgoing


def connection(kernel: Kernel, latency_ns: int, what: str) -> tuple[Endpoint, Endpoint]:
    """The two endpoints of a new connection."""
    size = kernel.costs.socket_buffer
    there = Stream(kernel.costs, size, latency_ns, what)
    back = Stream(kernel.costs, size, latency_ns, what)
    return Endpoint(back, there), Endpoint(there, back)


class SocketFile:
    """A socket of the simulated kernel: an open file description (``struct socket``)."""

    def __init__(self, kernel: Kernel, family: int) -> None:
        self.kernel = kernel
        self.family = family
        self.local: Any = ("0.0.0.0", 0) if family == AF_INET else ""
        self.peer: Any = None
        self.bound = False
        self.endpoint: Endpoint | None = None
        self.established = False
        self.refused = False
        self.backlog: collections.deque[SocketFile] | None = None  # listening: accept queue
        self.waiters = WaitQueue()  # in accept() or connect()
        self.shut_rd = self.shut_wr = False
        self.blocking = True
        self.inheritable = False
        self.options: dict[tuple[int, int], int] = {}
        # AF_UNIX, once bound: the machine's namespace, and its key there
        # (``unixsockets.UnixNamespace``).
        self.namespace: Any = None
        self.unix_key: Any = None
        # AF_UNIX, connected: the socket at the other end, whose address is the peer's
        # (``unix_peer``; it may be bound later).
        self.other: SocketFile | None = None

    def describe(self) -> str:
        return f"a socket ({self.local!r})" if self.family == AF_INET or self.local else "a socket"

    # -- readiness (what poll() would report) and sleeping for it -------------------------

    def ready(self, kind: str) -> bool:
        if kind == "accept":
            return bool(self.backlog)
        if kind == "connect":
            return self.established or self.refused
        if self.endpoint is None:
            return True  # the call fails at once
        if kind == "recv":
            return self.endpoint.incoming.readable()
        return self.endpoint.outgoing.writable() or self.shut_wr

    def wait_ready(
        self, interp: state.InterpreterState, thread: OSThread, kind: str, deadline_ns: int | None
    ) -> bool:
        """Sleep until ``ready(kind)``; False if the deadline passed first."""
        if self.endpoint is not None and kind == "recv":
            return self.endpoint.incoming.wait_readable(interp, thread, deadline_ns)
        if self.endpoint is not None and kind == "send":
            return self.endpoint.outgoing.wait_writable(interp, thread, deadline_ns)
        wait = Wait("io", f"{kind}() on {self.describe()}", self)
        while not self.ready(kind):
            if self.waiters.wait(interp, thread, wait, deadline_ns):
                return self.ready(kind)
        return True

    # -- data -----------------------------------------------------------------------------

    def recv(
        self, interp: state.InterpreterState, thread: OSThread, size: int, blocking: bool
    ) -> bytes:
        if self.endpoint is None:
            raise os_error(errno.ENOTCONN)
        return self.endpoint.incoming.read(interp, thread, size, blocking)

    def send(
        self,
        interp: state.InterpreterState,
        thread: OSThread,
        data: Any,
        blocking: bool,
        files: list | None = None,
    ) -> int:
        """``send``; ``files`` (AF_UNIX: ``SCM_RIGHTS``) travel with the first bytes."""
        if self.endpoint is None and self.family == AF_UNIX:
            raise os_error(errno.ENOTCONN)  # unix_stream_sendmsg (TCP: EPIPE)
        if self.endpoint is None or self.shut_wr:
            raise os_error(errno.EPIPE)
        return self.endpoint.outgoing.write(interp, thread, data, blocking, files=files)

    def recvmsg(
        self, interp: state.InterpreterState, thread: OSThread, size: int, blocking: bool
    ) -> tuple[bytes, list]:
        """``recv``, and the open files that came with the bytes (their references are
        the caller's now)."""
        if self.endpoint is None:
            raise os_error(errno.ENOTCONN)
        return self.endpoint.incoming.read_with_rights(interp, thread, size, blocking)

    # the descriptor protocol of ``fdio`` (os.read, os.write, os.close on the socket's fd)
    def read(self, interp: state.InterpreterState, thread: OSThread, size: int) -> bytes:
        return self.recv(interp, thread, size, self.blocking)

    def write(self, interp: state.InterpreterState, thread: OSThread, data: Any) -> int:
        return self.send(interp, thread, data, self.blocking)

    def write_now(self, interp: state.InterpreterState, data: memoryview) -> int:
        if self.endpoint is None or self.shut_wr:
            raise os_error(errno.EPIPE)
        return self.endpoint.outgoing.put_now(interp, data)

    def shutdown(self, interp: state.InterpreterState, how: int) -> None:
        if self.endpoint is None:
            raise os_error(errno.ENOTCONN)
        if how in (host_socket.SHUT_RD, host_socket.SHUT_RDWR) and not self.shut_rd:
            self.shut_rd = True
            self.endpoint.incoming.mark_ended(interp)  # reads give what is left, then b""
        if how in (host_socket.SHUT_WR, host_socket.SHUT_RDWR) and not self.shut_wr:
            self.shut_wr = True
            self.endpoint.outgoing.end(interp)
            self.endpoint.outgoing.writers.wake_all(interp)

    def close(self, interp: state.InterpreterState) -> None:
        """The last descriptor is closed: the peer reads the end, its writes fail."""
        if self.namespace is not None:
            self.namespace.unbind(self)
        else:
            network_of(self.kernel).unbind(self)
        if self.backlog is not None:
            pending, self.backlog = self.backlog, None
            for waiting in pending:
                waiting.close(interp)
        if self.endpoint is not None:
            self.endpoint.outgoing.end(interp)
            self.endpoint.incoming.abandon(interp)
        self.waiters.wake_all(interp)

    # -- TCP: listening, connecting, accepting --------------------------------------------

    def listen(self) -> None:
        if self.endpoint is not None:
            raise os_error(errno.EINVAL)
        if self.family == AF_UNIX:
            if self.namespace is None:  # unix_listen: no listens on an unbound socket
                raise os_error(errno.EINVAL)
        elif not self.bound:
            network_of(self.kernel).bind(self, "0.0.0.0", 0)
        if self.backlog is None:
            self.backlog = collections.deque()

    def connect(self, interp: state.InterpreterState, host: str, port: int) -> None:
        """Send the SYN: refused at once if nobody listens there, else the handshake is
        under way (``ready("connect")`` once it is done)."""
        if self.endpoint is not None:
            raise os_error(errno.EISCONN)
        network = network_of(self.kernel)
        listener = network.listener(host, port)
        if listener is None:
            raise os_error(errno.ECONNREFUSED)
        if not self.bound:
            network.bind(self, host, 0)
        elif self.local[0] == "0.0.0.0":
            self.local = (host, self.local[1])
        latency = self.kernel.costs.loopback_latency_ns
        mine, theirs = connection(self.kernel, latency, f"the connection {self.local}")
        server = SocketFile(self.kernel, AF_INET)
        server.local, server.peer, server.endpoint = (host, port), self.local, theirs
        server.established = True
        self.endpoint, self.peer = mine, (host, port)
        now = sync(interp)
        machine = interp.machine
        machine.call_at(now + latency, listener._syn, interp, server, self)
        machine.call_at(now + 2 * latency, self._syn_ack, interp)

    def _syn(self, interp: state.InterpreterState, server: SocketFile, client: SocketFile) -> None:
        if self.backlog is None:  # the listener closed meanwhile: RST
            client.refused = True
            return
        self.backlog.append(server)
        self.waiters.wake_all(interp)

    def _syn_ack(self, interp: state.InterpreterState) -> None:
        if not self.refused:
            self.established = True
        self.waiters.wake_all(interp)

    def connect_result(self) -> None:
        """``SO_ERROR`` once the handshake is over."""
        if self.refused:
            self.endpoint = None
            raise os_error(errno.ECONNREFUSED)

    def accept(self) -> SocketFile:
        if self.backlog is None:
            raise os_error(errno.EINVAL)
        if not self.backlog:
            raise os_error(errno.EAGAIN)
        return self.backlog.popleft()


def socketpair(kernel: Kernel) -> tuple[SocketFile, SocketFile]:
    """Two AF_UNIX stream sockets connected to each other."""
    first, second = SocketFile(kernel, AF_UNIX), SocketFile(kernel, AF_UNIX)
    first.endpoint, second.endpoint = connection(kernel, 0, "a socketpair")
    first.other, second.other = second, first
    for sock in (first, second):
        sock.peer, sock.established = "", True
    return first, second


class Network:
    """Loopback: which ports are bound, by which sockets.  One for the machine: a process
    connects to a port another process listens on."""

    def __init__(self, machine: Machine) -> None:
        self.machine = machine
        self.ports: dict[int, list[SocketFile]] = {}

    def bind(self, sock: SocketFile, host: str, port: int) -> None:
        if sock.bound:
            raise os_error(errno.EINVAL)
        if port == 0:
            port = self._ephemeral_port()
        for other in self.ports.get(port, ()):
            if "0.0.0.0" in (host, other.local[0]) or host == other.local[0]:
                raise os_error(errno.EADDRINUSE)
        self.ports.setdefault(port, []).append(sock)
        sock.local, sock.bound = (host, port), True

    def unbind(self, sock: SocketFile) -> None:
        if sock.bound:
            self.ports[sock.local[1]].remove(sock)
            sock.bound = False

    def listener(self, host: str, port: int) -> SocketFile | None:
        for sock in self.ports.get(port, ()):
            if sock.backlog is not None and sock.local[0] in (host, "0.0.0.0"):
                return sock
        return None

    def _ephemeral_port(self) -> int:
        machine = self.machine
        while True:
            port = EPHEMERAL_PORTS[machine.randrange(len(EPHEMERAL_PORTS))]
            if port not in self.ports or not self.ports[port]:
                return port


def network_of(kernel: Kernel) -> Network:
    """The machine's loopback network (``kernel`` is a process's)."""
    machine = kernel.interp.machine
    network: Network = machine.shared.get("network") or machine.shared.setdefault(
        "network", Network(machine)
    )
    return network
