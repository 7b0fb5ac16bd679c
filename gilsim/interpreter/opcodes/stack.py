"""Stack manipulation and instructions that do nothing at run time."""

from __future__ import annotations

from typing import Any

from gilsim.interpreter.frame import NULL, PENDING, Frame
from gilsim.interpreter.opcodes import handles


@handles
def NOP(frame: Frame, arg: Any) -> None:
    pass


@handles
def EXTENDED_ARG(frame: Frame, arg: Any) -> None:
    """``dis`` already folded the extra bits into the next instruction's argument."""


@handles
def RESUME(frame: Frame, arg: Any) -> Any:
    """Function entry (0), after ``yield`` (1), ``yield from`` (2), ``await`` (3).  An
    eval-breaker check point when ``arg < 2`` (``docs/model/gil.md`` §2.1)."""
    if arg < 2 and frame.thread.interp.eval_breaker:
        return PENDING
    return None


@handles
def PRECALL(frame: Frame, arg: Any) -> None:
    """3.11 splits a call into ``PRECALL`` + ``CALL``; gilsim does the whole call in
    ``CALL`` (including unpacking a bound method, which CPython's ``PRECALL`` does)."""


@handles
def POP_TOP(frame: Frame, arg: Any) -> None:
    frame.stack.pop()


@handles
def PUSH_NULL(frame: Frame, arg: Any) -> None:
    frame.stack.append(NULL)


@handles
def COPY(frame: Frame, arg: int) -> None:
    frame.stack.append(frame.stack[-arg])


@handles
def SWAP(frame: Frame, arg: int) -> None:
    stack = frame.stack
    stack[-1], stack[-arg] = stack[-arg], stack[-1]


@handles
def KW_NAMES(frame: Frame, arg: tuple[str, ...]) -> None:
    frame.kw_names = arg


@handles
def LOAD_ASSERTION_ERROR(frame: Frame, arg: Any) -> None:
    frame.stack.append(AssertionError)


@handles
def PRINT_EXPR(frame: Frame, arg: Any) -> None:
    """Only in interactive code: show the value through ``sys.displayhook``."""
    import sys

    sys.displayhook(frame.stack.pop())
