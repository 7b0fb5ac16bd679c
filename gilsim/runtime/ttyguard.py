"""Reads from a terminal are refused.

A read from a terminal waits for a person.  In the simulation it would be a host call that
blocks the one host thread running every simulated thread: virtual time would stand still and
no other thread could run until someone typed (under CPython, ``input()`` releases the GIL
in ``PyOS_Readline`` and other threads go on).  There is no virtual time at which the input
"arrives", so gilsim does not pretend: ``input()``, ``sys.stdin`` reads and ``os.read`` of a
descriptor that is a terminal raise ``UnsupportedError``.  Standard input redirected from a
file or a pipe is read as usual (``gilsim run prog.py < input.txt``).
"""

from __future__ import annotations

import builtins
import os
import sys
from typing import Any

from gilsim.runtime.sysmodule import unsupported

_ADVICE = "give the program its input from a file or a pipe"


def is_terminal(fd: Any) -> bool:
    """Whether ``fd`` is a descriptor of a terminal."""
    if type(fd) is not int:
        return False
    try:
        return os.isatty(fd)
    except (OSError, ValueError):
        return False


def stream_is_terminal(stream: Any) -> bool:
    """Whether a file object reads from a terminal (``isatty()``; False if it cannot say)."""
    try:
        return bool(stream.isatty())
    except Exception:
        return False


def refuse_terminal(fd: Any, what: str) -> None:
    """Raise ``UnsupportedError`` if ``fd`` is a terminal."""
    if is_terminal(fd):
        raise unsupported(f"{what}: reading a terminal ({_ADVICE})")


def input(*args: Any) -> Any:  # noqa: A001 - the builtin it stands for
    """``builtin_input``: refused when ``sys.stdin`` is a terminal, else the host's."""
    # ``getattr``: a program may have deleted ``sys.stdin``, and the host's ``input`` then
    # raises CPython's "lost sys.stdin".
    if stream_is_terminal(getattr(sys, "stdin", None)):
        raise unsupported(f"input() from a terminal ({_ADVICE})")
    return _host_input(*args)


# The host's own ``input``, kept: a run on the host's interpreter sets ``builtins.input`` to
# the function above (``gilsim.runtime.hostshadows.host_patches``).
_host_input = builtins.input


_READS = ("read", "read1", "readinto", "readinto1", "readline", "readlines", "peek")


class TerminalInput:
    """``sys.stdin`` when it is a terminal: everything but reading is the stream's own."""

    def __init__(self, stream: Any) -> None:
        object.__setattr__(self, "_stream", stream)

    def __getattr__(self, name: str) -> Any:
        if name in _READS:
            raise unsupported(f"sys.stdin.{name}() from a terminal ({_ADVICE})")
        value = getattr(self._stream, name)
        if name == "buffer" or name == "raw":
            return TerminalInput(value)
        return value

    def __setattr__(self, name: str, value: Any) -> None:
        setattr(self._stream, name, value)

    def __iter__(self) -> Any:
        raise unsupported(f"iterating over sys.stdin from a terminal ({_ADVICE})")

    def __next__(self) -> Any:
        raise unsupported(f"iterating over sys.stdin from a terminal ({_ADVICE})")

    def __enter__(self) -> Any:
        self._stream.__enter__()
        return self

    def __exit__(self, *exc: Any) -> Any:
        return self._stream.__exit__(*exc)

    def __repr__(self) -> str:
        return repr(self._stream)


def guard_stdin(stream: Any) -> Any:
    """``stream`` itself, or a ``TerminalInput`` over it if it reads from a terminal."""
    if stream_is_terminal(stream):
        return TerminalInput(stream)
    return stream
