"""Native operations on whole containers, as accesses: for schedule exploration only.

Race reports are about places (``counter``, ``cache['k']``), so the recording table of
``gilsim.races.recording`` records the opcodes that read and write them.  Exploration also
needs to know which segments of two threads do *not* commute (``gilsim.schedules.dpor``), and
two threads that append to one list, or one that sorts a dict the other fills, do not commute
either, although neither touches a place: C code does the work.  So with ``segments`` the
recorder also wraps the opcodes through which a program hands a whole container to native
code, and notes a read (``"R"``) or a write (``"W"``) of it:

- a call of anything that is not simulated code: a method of a built-in container on its
  receiver (a write for the methods that change it, ``MUTATORS``, a read for the others),
  and on each container argument (a read for built-ins known to leave their arguments alone,
  ``READERS``, else a write: the callee is C code gilsim cannot see into);
- iteration (``GET_ITER`` and every ``FOR_ITER`` of that iterator), unpacking, ``in`` on a
  list or set, an operator with a container operand (``+=`` on a list writes it), building
  from a container (``[*xs]``, ``{**d}``), a slice read, written or deleted.

Whatever else native code does to an object it was not handed this way (a C extension
keeping a reference) is not seen.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from gilsim.interpreter import state
from gilsim.interpreter.frame import NULL, Frame
from gilsim.interpreter.functions import SimFunction
from gilsim.races.natives import NB_INPLACE, WHOLE, call_accesses
from gilsim.races.places import of_type

Handler = Callable[[Frame, Any], Any]

# How many iterators made by ``GET_ITER`` from a container the recorder remembers (for each
# ``FOR_ITER``): a long program makes many loops.
_ITERATED_MAX = 4096


def _whole(container: Any, mode: str) -> None:
    state.current.interp.recorder.whole(container, mode)  # type: ignore[union-attr]


def _call(function: Any, receiver: Any, args: Any) -> None:
    """A native call of ``function`` (bound to ``receiver``, or None) with ``args``
    (``gilsim.races.natives``; simulated code records its own opcodes)."""
    for container, mode in call_accesses(function, receiver, args, SimFunction):
        _whole(container, mode)


def _precall(inner: Handler) -> Handler:
    def PRECALL(frame: Frame, arg: int) -> Any:
        stack = frame.stack
        first, second = stack[-arg - 2], stack[-arg - 1]
        args = stack[len(stack) - arg :] if arg else ()
        if first is NULL:
            _call(second, None, args)
        else:
            _call(first, second, args)
        return inner(frame, arg)

    return PRECALL


def _call_function_ex(inner: Handler) -> Handler:
    def CALL_FUNCTION_EX(frame: Frame, arg: int) -> Any:
        stack = frame.stack
        args = stack[-2] if arg & 0x01 else stack[-1]
        function = stack[-3] if arg & 0x01 else stack[-2]
        if type(args) is tuple:
            _call(function, None, args)
        return inner(frame, arg)

    return CALL_FUNCTION_EX


def _reads_top(depth: int) -> Callable[[Handler], Handler]:
    """A wrapper noting a read of the container ``depth`` from the top, if it is one."""

    def wrap(inner: Handler) -> Handler:
        def handler(frame: Frame, arg: Any) -> Any:
            operand = frame.stack[-depth]
            if of_type(operand, WHOLE):
                _whole(operand, "R")
            return inner(frame, arg)

        handler.__name__ = inner.__name__
        return handler

    return wrap


def _get_iter(inner: Handler) -> Handler:
    def GET_ITER(frame: Frame, arg: Any) -> Any:
        stack = frame.stack
        iterable = stack[-1]
        result = inner(frame, arg)
        if of_type(iterable, WHOLE):
            recorder = state.current.interp.recorder  # type: ignore[union-attr]
            recorder.whole(iterable, "R")
            iterated = recorder.iterated
            if len(iterated) >= _ITERATED_MAX:
                iterated.clear()
            iterator = stack[-1]
            iterated[id(iterator)] = (iterator, iterable)
        return result

    return GET_ITER


def _for_iter(inner: Handler) -> Handler:
    def FOR_ITER(frame: Frame, arg: int) -> Any:
        iterator = frame.stack[-1]
        recorder = state.current.interp.recorder  # type: ignore[union-attr]
        entry = recorder.iterated.get(id(iterator))
        if entry is not None and entry[0] is iterator:
            recorder.whole(entry[1], "R")
        return inner(frame, arg)

    return FOR_ITER


def _binary_op(inner: Handler) -> Handler:
    def BINARY_OP(frame: Frame, arg: int) -> Any:
        stack = frame.stack
        left, right = stack[-2], stack[-1]
        if of_type(left, WHOLE):
            _whole(left, "W" if arg >= NB_INPLACE else "R")
        if of_type(right, WHOLE):
            _whole(right, "R")
        return inner(frame, arg)

    return BINARY_OP


def _contains_op(inner: Handler) -> Handler:
    """``x in xs`` for a list, set or deque (a dict's items are places, recorded already)."""

    def CONTAINS_OP(frame: Frame, arg: int) -> Any:
        container = frame.stack[-1]
        if of_type(container, WHOLE) and not of_type(container, dict):
            _whole(container, "R")
        return inner(frame, arg)

    return CONTAINS_OP


def _slice(depth: int, mode: str) -> Callable[[Handler], Handler]:
    """A subscript with a slice (not one place): the whole container."""

    def wrap(inner: Handler) -> Handler:
        def handler(frame: Frame, arg: Any) -> Any:
            stack = frame.stack
            container, key = stack[-depth], stack[-depth + 1]
            if type(key) is slice and of_type(container, WHOLE):
                _whole(container, mode)
            return inner(frame, arg)

        handler.__name__ = inner.__name__
        return handler

    return wrap


def container_table(table: dict[Any, Handler]) -> dict[Any, Handler]:
    """A copy of ``table`` (a recording table) with the opcodes above wrapped as well."""
    wrappers: dict[str, Callable[[Handler], Handler]] = {
        "PRECALL": _precall,
        "CALL_FUNCTION_EX": _call_function_ex,
        "GET_ITER": _get_iter,
        "FOR_ITER": _for_iter,
        "BINARY_OP": _binary_op,
        "CONTAINS_OP": _contains_op,
        "UNPACK_SEQUENCE": _reads_top(1),
        "UNPACK_EX": _reads_top(1),
        "LIST_EXTEND": _reads_top(1),
        "SET_UPDATE": _reads_top(1),
        "DICT_UPDATE": _reads_top(1),
        "DICT_MERGE": _reads_top(1),
        "BINARY_SUBSCR": _slice(2, "R"),
        "STORE_SUBSCR": _slice(2, "W"),
        "DELETE_SUBSCR": _slice(2, "W"),
    }
    wrapped = dict(table)
    for key, handler in table.items():
        wrap = wrappers.get(key if isinstance(key, str) else key[0])
        if wrap is not None:
            wrapped[key] = wrap(handler)
    return wrapped
