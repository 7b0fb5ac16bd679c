"""``socket.sendmsg`` and ``socket.recvmsg`` (``sock_sendmsg`` and ``sock_recvmsg`` in
``Modules/socketmodule.c``) with the one kind of ancillary data the simulated kernel
carries: ``SCM_RIGHTS``, descriptors passed to another process over an AF_UNIX socket
(unix(7); ``__scm_send``, ``scm_fp_copy`` and ``scm_detach_fds`` in ``net/core/scm.c``).

What Linux does, and so what is done here:

- ``sendmsg`` takes a reference to the open file each descriptor names (EBADF for one that
  names nothing, EINVAL past ``SCM_MAX_FD``; a file the host opened: ``hostfds``); every ``SCM_RIGHTS`` item of one call goes
  into one list; the files travel with the first bytes sent (none sent: none go) and stay
  open while in flight, whatever the sender closes meanwhile.  Items of another level are
  ignored; over TCP ``SCM_RIGHTS`` is ignored too (``__sock_cmsg_send``).
- ``recvmsg`` installs each file at the lowest free descriptor of the receiving process and
  returns them as one ``(SOL_SOCKET, SCM_RIGHTS, int32 bytes)`` item; what does not fit in
  ``ancbufsize`` is closed and ``MSG_CTRUNC`` is set; the read stops at the end of the
  bytes that came with descriptors (``streams.Rights``).  A connected AF_UNIX stream socket
  reports no sender address (None).

Other ancillary data (credentials, timestamps), flags, and ``recvmsg_into`` are refused by
name.

This module reads and makes the ancillary data on the program's side; the kernel's side
(taking the files, installing them) is in ``netcalls``: descriptors cross as numbers.
"""

from __future__ import annotations

import array
import errno
import operator
import socket as host_socket
from typing import Any

from gilsim.runtime.kernel import os_error
from gilsim.runtime.sysmodule import unsupported

SOL_SOCKET, SCM_RIGHTS = host_socket.SOL_SOCKET, host_socket.SCM_RIGHTS
SCM_MAX_FD = 253  # include/net/scm.h
_HEADER = host_socket.CMSG_LEN(0)  # sizeof(struct cmsghdr)
_INT = array.array("i").itemsize


def _bytes_like(item: Any) -> memoryview:
    try:
        return memoryview(item).cast("B")
    except TypeError:
        raise TypeError(f"a bytes-like object is required, not '{type(item).__name__}'")


def message_bytes(buffers: Any) -> bytes:
    """The bytes of ``sendmsg``'s first argument (an iterable of bytes-like objects)."""
    try:
        items = list(buffers)
    except TypeError:
        raise TypeError("sendmsg() argument 1 must be an iterable")
    return b"".join(_bytes_like(item) for item in items)


def rights_sent(ancdata: Any) -> list[int]:
    """The descriptors of the ``SCM_RIGHTS`` items of ``sendmsg``'s second argument."""
    try:
        items = list(ancdata)
    except TypeError:
        raise TypeError("sendmsg() argument 2 must be an iterable")
    where = "[sendmsg() ancillary data items]()"
    fds: list[int] = []
    for item in items:
        try:
            fields = tuple(item)
        except TypeError:
            raise TypeError(f"{where} argument must be 3-item sequence, not {type(item).__name__}")
        if len(fields) != 3:
            raise TypeError(f"{where} argument must be sequence of length 3, not {len(fields)}")
        level, kind = operator.index(fields[0]), operator.index(fields[1])
        data = _bytes_like(fields[2])
        if level != SOL_SOCKET:
            continue  # __scm_send: not for the socket layer
        if kind != SCM_RIGHTS:
            raise unsupported(f"ancillary data other than SCM_RIGHTS (type {kind})")
        numbers = array.array("i")
        numbers.frombytes(data[: len(data) - len(data) % _INT])  # a partial int: ignored
        fds.extend(numbers)
    if len(fds) > SCM_MAX_FD:
        raise os_error(errno.EINVAL)
    return fds


def ancillary_room(ancbufsize: Any) -> int:
    """How many descriptors fit in ``ancbufsize`` bytes (``scm_detach_fds``)."""
    size = operator.index(ancbufsize)
    if size < 0:
        raise ValueError("invalid ancillary data buffer length")
    return max(size - _HEADER, 0) // _INT


def rights_received(fds: list[int]) -> list[tuple[int, int, bytes]]:
    """``recvmsg``'s ancillary data for the descriptors ``fds`` installed in this process:
    one ``SCM_RIGHTS`` item, or none."""
    if not fds:
        return []
    return [(SOL_SOCKET, SCM_RIGHTS, array.array("i", fds).tobytes())]
