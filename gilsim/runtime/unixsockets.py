"""AF_UNIX stream sockets with addresses: the machine's namespace of socket files and abstract
names, shared by every simulated process (``net/unix/af_unix.c``: ``unix_bind``,
``unix_find_other``, ``unix_stream_connect``; unix(7)).

- A *path* names a file.  ``bind`` makes that file on the host's file system with the
  host's own bind(2) of a throwaway socket, so the errors are the kernel's (EADDRINUSE if
  the name exists, ENOENT if its directory does not, EACCES...), the file gets the mode the
  umask gives, and a program may ``chmod`` it or remove the directory it is in, as
  ``multiprocessing`` does.  The socket is found again by the file's inode, as Linux finds
  it: through a new name of the file after a rename, never through a path that was unlinked
  (a new socket may be bound there).  The file stays when the socket closes: whoever made
  it unlinks it (unix(7)).
- An *abstract* name (a leading NUL byte) exists in the namespace only, and is free again
  once its socket closes; binding to ``""`` picks a free one (autobind: a NUL and five hex
  digits).

``connect`` reaches a listening socket at once, as ``unix_stream_connect`` does: the new
connection joins the listener's accept queue (its length is not limited here), and the
client may send before it is accepted.  A file that is not a socket, or a socket nobody
listens on, refuses (ECONNREFUSED); a missing file is ENOENT.  Bytes cross at once, as over
a ``socketpair``, and may carry descriptors (``SCM_RIGHTS``, ``socketmsg``).
"""

from __future__ import annotations

import errno
import os
import socket as host_socket
import stat
from typing import Any

from gilsim.interpreter import state
from gilsim.machine import Machine
from gilsim.runtime.kernel import os_error
from gilsim.runtime.sockets import AF_UNIX, SocketFile, connection

# sizeof(((struct sockaddr_un *) 0)->sun_path)
SUN_PATH_SIZE = 108


def unix_address(address: Any) -> bytes:
    """``getsockaddrarg`` for AF_UNIX: a str (encoded as a file name) or bytes-like."""
    if isinstance(address, str):
        address = os.fsencode(address)
    try:
        name = bytes(memoryview(address))
    except TypeError:
        raise TypeError(f"a bytes-like object is required, not '{type(address).__name__}'")
    if len(name) > SUN_PATH_SIZE:
        raise OSError("AF_UNIX path too long")
    return name


def _as_path(name: bytes) -> bytes:
    """A path name ends at its first NUL (``unix_mkname_bsd`` terminates the string)."""
    return name.partition(b"\0")[0]


class UnixNamespace:
    """The machine's AF_UNIX names: bound sockets by their file's (device, inode), and by
    their abstract name."""

    def __init__(self, machine: Machine) -> None:
        self.machine = machine
        self.by_inode: dict[tuple[int, int], SocketFile] = {}
        self.abstract: dict[bytes, SocketFile] = {}

    def bind(self, sock: SocketFile, name: bytes) -> None:
        """``unix_bind``: give ``sock`` the address ``name``.  A connected socket may be
        bound too (one of a ``socketpair``, a client), unless it has an address already (an
        accepted one has its listener's): EINVAL."""
        if sock.namespace is not None or sock.local:
            raise os_error(errno.EINVAL)
        if not name:
            name = self._autobind_name()
        if name[0] == 0:
            if name in self.abstract:
                raise os_error(errno.EADDRINUSE)
            self.abstract[name] = sock
            sock.local, sock.unix_key = name, name
        else:
            path = _as_path(name)
            probe = host_socket.socket(AF_UNIX)
            try:
                probe.bind(path)  # the kernel's checks, and the file
            finally:
                probe.close()
            key = _inode(path)
            self.by_inode[key] = sock  # (a socket of an unlinked file of that inode: gone)
            sock.local, sock.unix_key = os.fsdecode(path), key
        sock.namespace = self
        if sock.other is not None:  # the peer's getpeername() reads it (unix_getname)
            sock.other.peer = sock.local

    def unbind(self, sock: SocketFile) -> None:
        """``sock`` closed: its name reaches nobody any more (the file stays)."""
        key = sock.unix_key
        table: dict[Any, SocketFile] = self.abstract if isinstance(key, bytes) else self.by_inode
        if table.get(key) is sock:
            del table[key]
        sock.namespace = None

    def listener(self, name: bytes) -> SocketFile:
        """``unix_find_other``: the listening socket ``name`` reaches, or the error."""
        if not name:
            raise os_error(errno.EINVAL)
        if name[0] == 0:
            found = self.abstract.get(name)
        else:
            path = _as_path(name)
            try:
                mode = os.stat(path).st_mode
            except OSError as exc:
                raise os_error(exc.errno or errno.ENOENT) from None
            if not stat.S_ISSOCK(mode):
                raise os_error(errno.ECONNREFUSED)
            found = self.by_inode.get(_inode(path))
        if found is None or found.backlog is None:
            raise os_error(errno.ECONNREFUSED)
        return found

    def connect(self, interp: state.InterpreterState, client: SocketFile, name: bytes) -> None:
        """``unix_stream_connect``: ``client`` is connected at once, its other end in the
        listener's accept queue."""
        if client.endpoint is not None:
            raise os_error(errno.EISCONN)
        if client.backlog is not None:
            raise os_error(errno.EINVAL)
        listener = self.listener(name)
        mine, theirs = connection(client.kernel, 0, f"the connection to {listener.local!r}")
        server = SocketFile(listener.kernel, AF_UNIX)
        server.local, server.peer, server.endpoint = listener.local, client.local, theirs
        server.established = True
        client.endpoint, client.peer, client.established = mine, listener.local, True
        client.other, server.other = server, client
        listener.backlog.append(server)  # type: ignore[union-attr]
        listener.waiters.wake_all(interp)

    def _autobind_name(self) -> bytes:
        """``unix_autobind``: a free abstract name, a NUL and five hex digits."""
        while True:
            name = b"\0%05x" % self.machine.randrange(1 << 20)
            if name not in self.abstract:
                return name


def _inode(path: bytes) -> tuple[int, int]:
    info = os.stat(path)
    return info.st_dev, info.st_ino


def namespace_of(interp: state.InterpreterState) -> UnixNamespace:
    """The AF_UNIX namespace of ``interp``'s machine (one for all its processes)."""
    shared: dict[str, Any] = interp.machine.shared
    namespace = shared.get("unix")
    if namespace is None:
        namespace = shared["unix"] = UnixNamespace(interp.machine)
    return namespace
