"""Opcode semantics, one small function per opcode, one module per family.

Each handler is ``handler(frame, arg) -> None | Frame | EXIT`` and is registered under its
``dis`` name with ``@handles``.  ``table()`` gathers them into the handler table of the running
Python version; ``UNSUPPORTED`` lists the opnames gilsim refuses, each with its reason.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any

HANDLERS: dict[str, Callable[..., Any]] = {}


def handles(function: Callable[..., Any]) -> Callable[..., Any]:
    """Register ``function`` as the handler of the opcode it is named after."""
    HANDLERS[function.__name__] = function
    return function


def specializes(opname: str, argval: Any) -> Callable[..., Any]:
    """Register a handler for ``opname`` with one particular argument, chosen when the code
    is decoded (as CPython specializes instructions in place)."""

    def register(function: Callable[..., Any]) -> Callable[..., Any]:
        HANDLERS[(opname, argval)] = function  # type: ignore[index]
        return function

    return register


# Opnames of 3.11's ``dis.opmap`` that gilsim never executes, and why.
UNSUPPORTED: dict[str, str] = {
    "CACHE": "inline cache entries are data, not instructions; dis skips them",
}


def table() -> dict[str, Callable[..., Any]]:
    """The handler table for the host version (3.11): a new dict each time."""
    from gilsim.interpreter.opcodes import (  # noqa: F401  (registration on import)
        building,
        calls,
        exceptions,
        generators,
        imports,
        jumps,
        match,
        names,
        operators,
        stack,
    )

    return dict(HANDLERS)


@functools.cache
def shared_table() -> dict[str, Callable[..., Any]]:
    """The handler table every interpreter of this process runs with (never changed): one
    object, so that decodings made with it are reused from run to run (``decode``)."""
    return table()
