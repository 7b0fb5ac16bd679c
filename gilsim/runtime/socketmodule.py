"""The simulated ``socket`` (``Modules/socketmodule.c`` with ``Lib/socket.py``): stream
sockets between the threads of the program, over the simulated kernel (``sockets``); the
socket objects themselves are in ``socketobject``.

What is modelled: ``socketpair()`` and TCP over loopback (``bind`` to 127.0.0.0/8,
``localhost``, ``""`` or ``0.0.0.0``, port 0 included; ``listen``, ``accept``, ``connect``,
``send``, ``sendall``, ``recv``, ``recv_into``, ``shutdown``, ``close``, timeouts,
``makefile``), ``create_connection``, ``create_server`` and ``getaddrinfo`` for loopback;
AF_UNIX stream sockets bound to paths or abstract names, shared by every process of the
machine (``unixsockets``), with descriptors passed over them (``sendmsg``/``recvmsg`` with
``SCM_RIGHTS``, ``send_fds``/``recv_fds``: ``socketmsg``); ``socket(fileno=...)``,
``fromfd`` and ``dup`` over simulated descriptors.  Anything else (another host, name
resolution, UDP, IPv6, other ancillary data, flags) is refused with ``UnsupportedError``,
or fails with ``EBADF`` in the host functions that are not shadowed: there is no network
in the simulation.
"""

from __future__ import annotations

import socket as host_socket
from typing import Any

from gilsim.interpreter import state
from gilsim.runtime import ShadowModule, netcalls, syscall
from gilsim.runtime.socketobject import SOCK_STREAM, socket, timeout_value
from gilsim.runtime.sockets import AF_INET, AF_UNIX, loopback
from gilsim.runtime.sysmodule import refusal, unsupported

_DEFAULT = host_socket._GLOBAL_DEFAULT_TIMEOUT  # type: ignore[attr-defined]
SOCK_DGRAM = host_socket.SOCK_DGRAM
# What glibc's getaddrinfo gives for each socket type over IPv4 (``gaih_inet_typeproto``).
_PROTOCOLS = (
    (host_socket.SocketKind.SOCK_STREAM, host_socket.IPPROTO_TCP),
    (host_socket.SocketKind.SOCK_DGRAM, host_socket.IPPROTO_UDP),
    (host_socket.SocketKind.SOCK_RAW, 0),
)


def make_socket(interp: state.InterpreterState) -> ShadowModule:
    """The program's ``socket``."""

    def socketpair_(family: Any = AF_UNIX, type: Any = SOCK_STREAM, proto: Any = 0) -> Any:
        if family != AF_UNIX or type != SOCK_STREAM or proto:
            raise unsupported(f"socket.socketpair({family}, {type}, {proto})")
        first, second = syscall.released(netcalls.socketpair)
        return socket._over(first, AF_UNIX), socket._over(second, AF_UNIX)

    def getaddrinfo(
        host: Any, port: Any, family: Any = 0, type: Any = 0, proto: Any = 0, flags: Any = 0
    ) -> Any:
        """``socket.getaddrinfo`` for loopback: one entry per socket type and its protocol,
        as glibc gives them (IPPROTO_TCP for SOCK_STREAM, IPPROTO_UDP for SOCK_DGRAM)."""
        if host is None:  # AI_PASSIVE: the address to bind to, else loopback's
            ip = "0.0.0.0" if flags & host_socket.AI_PASSIVE else "127.0.0.1"
        else:
            ip = loopback(host, binding=False)
        if isinstance(port, str):
            port = int(port) if port.isdigit() else host_socket.getservbyname(port, "tcp")
        if family not in (0, AF_INET) or type not in (0, SOCK_STREAM, SOCK_DGRAM):
            return []
        kinds = [(k, p) for k, p in _PROTOCOLS if type in (0, k) and proto in (0, p)]
        if not kinds:  # e.g. SOCK_STREAM with IPPROTO_UDP
            raise host_socket.gaierror(host_socket.EAI_SOCKTYPE, "ai_socktype not supported")
        family_ = host_socket.AddressFamily.AF_INET
        return [(family_, kind, number, "", (ip, port or 0)) for kind, number in kinds]

    def gethostbyname(name: Any) -> str:
        return loopback(name, binding=False)

    def create_connection(address: Any, timeout: Any = _DEFAULT, source: Any = None, **kw: Any):
        """``socket.create_connection`` (``Lib/socket.py``): a socket of the family, type
        and protocol ``getaddrinfo`` gives (so ``proto`` is IPPROTO_TCP), connected."""
        host, port = address
        family, kind, proto, _, address = getaddrinfo(host, port, 0, SOCK_STREAM)[0]
        sock = socket(family, kind, proto)
        try:
            if timeout is not _DEFAULT:
                sock.settimeout(timeout)
            if source:
                sock.bind(source)
            sock.connect(address)
        except BaseException:
            sock.close()
            raise
        return sock

    def create_server(address: Any, *, family: Any = AF_INET, backlog: Any = None, **kw: Any):
        if family != AF_INET or kw.get("reuse_port") or kw.get("dualstack_ipv6"):
            raise unsupported("create_server() other than TCP over IPv4")
        sock = socket(family)
        try:
            sock.bind(address)
            sock.listen(*(() if backlog is None else (backlog,)))
        except BaseException:
            sock.close()
            raise
        return sock

    def getdefaulttimeout() -> float | None:
        return syscall.held(netcalls.getdefaulttimeout)

    def setdefaulttimeout(value: Any) -> None:
        syscall.held(netcalls.setdefaulttimeout, timeout_value(value))

    def dup(fd: Any) -> int:
        """``_socket.dup``: a new descriptor for the socket ``fd`` names."""
        if type(fd) is not int:
            raise unsupported(f"socket.dup({fd!r}) of a descriptor of the host")
        return syscall.released(netcalls.socket_dup, fd)

    def fromfd(fd: Any, family: Any, type: Any, proto: Any = 0) -> socket:
        """``socket.fromfd`` (``Lib/socket.py``): a socket object over a duplicate."""
        return socket(family, type, proto, dup(fd))

    overrides: dict[str, Any] = {
        "socket": socket,
        "SocketType": socket,
        "socketpair": socketpair_,
        "getaddrinfo": getaddrinfo,
        "gethostbyname": gethostbyname,
        "create_connection": create_connection,
        "create_server": create_server,
        "getdefaulttimeout": getdefaulttimeout,
        "setdefaulttimeout": setdefaulttimeout,
        "dup": dup,
        "fromfd": fromfd,
        "has_ipv6": False,  # ``socket.socket(AF_INET6)`` fails with EAFNOSUPPORT
        # Lib/socket.py's own, over the simulated socket's sendmsg and recvmsg.
        "send_fds": host_socket.send_fds,
        "recv_fds": host_socket.recv_fds,
    }
    for name in ("gethostbyaddr", "gethostbyname_ex", "getfqdn", "fromshare", "getnameinfo"):
        overrides[name] = refusal("socket", name)
    return ShadowModule(host_socket, overrides, frozenset())
