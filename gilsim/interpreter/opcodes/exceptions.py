"""Raising and handling exceptions, ``with`` blocks, and ``except*``.

3.11 has no block stack: a ``try`` is a range of instructions in the exception table, and the
handler code saves and restores the exception being handled with ``PUSH_EXC_INFO`` and
``POP_EXCEPT`` (``Objects/exception_handling_notes.txt``).
"""

from __future__ import annotations

from typing import Any

from gilsim.interpreter import tracebacks
from gilsim.interpreter.frame import Frame
from gilsim.interpreter.opcodes import handles


def reraise(exc: BaseException) -> BaseException:
    """Mark ``exc`` as raised again as it is (bare ``raise``, ``RERAISE``): CPython goes
    straight to ``exception_unwind``, adding no traceback entry and no context."""
    tracebacks.record(exc).reraise = True
    return exc


def _exception_from(value: Any, what: str = "exceptions") -> BaseException:
    if isinstance(value, type) and issubclass(value, BaseException):
        instance = value()
        if not isinstance(instance, BaseException):
            raise TypeError(
                f"calling {value!r} should have returned an instance of BaseException, "
                f"not {type(instance).__name__}"
            )
        return instance
    if isinstance(value, BaseException):
        return value
    raise TypeError(f"{what} must derive from BaseException")


@handles
def RAISE_VARARGS(frame: Frame, arg: int) -> None:
    """``raise`` (0), ``raise exc`` (1), ``raise exc from cause`` (2): ``do_raise``."""
    stack = frame.stack
    if arg == 0:
        handled = _topmost_handled(frame)
        if handled is None:
            raise RuntimeError("No active exception to reraise")
        raise reraise(handled)
    cause = stack.pop() if arg == 2 else None
    exc = _exception_from(stack.pop())
    if arg == 2:
        if cause is None:
            exc.__cause__ = None
        else:
            exc.__cause__ = _exception_from(cause, "exception causes")
        exc.__suppress_context__ = True
    raise exc


def _topmost_handled(frame: Frame) -> BaseException | None:
    for exc in reversed(frame.thread.exc_info):
        if exc is not None:
            return exc
    return None


@handles
def RERAISE(frame: Frame, arg: int) -> None:
    # With ``arg`` set, CPython restores ``f_lasti`` from the stack item below; it does not
    # affect where the exception is handled (``exception_unwind`` uses the RERAISE itself).
    raise reraise(frame.stack.pop())


@handles
def PUSH_EXC_INFO(frame: Frame, arg: Any) -> None:
    stack = frame.stack
    exc = stack[-1]
    exc_info = frame.thread.exc_info
    stack[-1] = exc_info[-1]
    stack.append(exc)
    exc_info[-1] = exc


@handles
def POP_EXCEPT(frame: Frame, arg: Any) -> None:
    frame.thread.exc_info[-1] = frame.stack.pop()


@handles
def CHECK_EXC_MATCH(frame: Frame, arg: Any) -> None:
    stack = frame.stack
    match_type = stack.pop()
    _check_except_type(match_type)
    stack.append(isinstance(stack[-1], match_type))


_CANNOT_CATCH = "catching classes that do not inherit from BaseException is not allowed"


def _check_except_type(match_type: Any) -> None:
    types_ = match_type if isinstance(match_type, tuple) else (match_type,)
    for item in types_:
        if not (isinstance(item, type) and issubclass(item, BaseException)):
            raise TypeError(_CANNOT_CATCH)


@handles
def CHECK_EG_MATCH(frame: Frame, arg: Any) -> None:
    """``except* T``: split the group on top into the matching part (pushed, or ``None``)
    and the rest (left below it)."""
    stack = frame.stack
    match_type = stack.pop()
    _check_except_type(match_type)
    types_ = match_type if isinstance(match_type, tuple) else (match_type,)
    if any(issubclass(t, BaseExceptionGroup) for t in types_):
        raise TypeError("catching ExceptionGroup with except* is not allowed. Use except instead.")
    exc = stack.pop()
    if isinstance(exc, BaseExceptionGroup):
        match, rest = exc.split(match_type)
    elif isinstance(exc, match_type):
        # A naked exception is wrapped so that the handler sees a group.
        match = BaseExceptionGroup("", (exc,))
        rest = None
    else:
        match, rest = None, exc
    if match is not None and match is not exc:
        tracebacks.copy_entries(exc, match)
    if rest is not None and rest is not exc:
        tracebacks.copy_entries(exc, rest)
    stack.append(rest)
    stack.append(match)
    if match is not None:
        frame.thread.exc_info[-1] = match


@handles
def PREP_RERAISE_STAR(frame: Frame, arg: Any) -> None:
    """Combine what the ``except*`` clauses raised and left unhandled
    (``_PyExc_PrepReraiseStar``)."""
    stack = frame.stack
    raised = stack.pop()
    original = stack.pop()
    stack.append(_prep_reraise_star(original, raised))


def _prep_reraise_star(original: Any, excs: list[Any]) -> Any:
    if not excs:
        return None
    if not isinstance(original, BaseExceptionGroup):
        return next((e for e in excs if e is not None), None)
    raised = []
    reraised = []
    leaf_ids = {id(leaf) for leaf in _leaves(original)}
    for e in excs:
        if e is None:
            continue
        if (
            _is_same_exception_metadata(e, original)
            or (
                isinstance(e, BaseExceptionGroup)
                and all(id(leaf) in leaf_ids for leaf in _leaves(e))
            )
            or id(e) in leaf_ids
        ):
            reraised.append(e)
        else:
            raised.append(e)
    reraised_eg = _project(original, reraised)
    if not raised:
        return reraised_eg
    if reraised_eg is not None:
        raised.append(reraised_eg)
    if len(raised) == 1:
        return raised[0]
    return ExceptionGroup("", raised)


def _is_same_exception_metadata(a: Any, b: Any) -> bool:
    return a is b


def _leaves(exc: Any) -> list[Any]:
    if isinstance(exc, BaseExceptionGroup):
        result = []
        for sub in exc.exceptions:
            result.extend(_leaves(sub))
        return result
    return [exc]


def _project(original: Any, keep: list[Any]) -> Any:
    keep_ids = set()
    for e in keep:
        for leaf in _leaves(e):
            keep_ids.add(id(leaf))
    if not keep_ids:
        return None
    match, _rest = original.split(lambda e: id(e) in keep_ids)
    if match is not None:
        tracebacks.copy_entries(original, match)
    return match


@handles
def BEFORE_WITH(frame: Frame, arg: Any) -> Any:
    """Push the bound ``__exit__`` and call ``__enter__`` (its result is pushed by the call)."""
    from gilsim.interpreter import calls

    stack = frame.stack
    manager = stack.pop()
    tp = type(manager)
    enter = getattr(tp, "__enter__", None)
    exit_ = getattr(tp, "__exit__", None)
    if enter is None or exit_ is None:
        missing = "__enter__" if enter is None else "__exit__"
        raise TypeError(
            f"'{tp.__name__}' object does not support the context manager protocol"
            if missing == "__enter__"
            else f"'{tp.__name__}' object does not support the context manager protocol "
            "(missed __exit__ method)"
        )
    stack.append(_bind(exit_, manager))
    return calls.call(frame, _bind(enter, manager), [], None)


def _bind(function: Any, instance: Any) -> Any:
    get = getattr(type(function), "__get__", None)
    return get(function, instance, type(instance)) if get is not None else function


@handles
def BEFORE_ASYNC_WITH(frame: Frame, arg: Any) -> Any:
    from gilsim.interpreter import calls

    stack = frame.stack
    manager = stack.pop()
    tp = type(manager)
    enter = getattr(tp, "__aenter__", None)
    exit_ = getattr(tp, "__aexit__", None)
    if enter is None:
        raise TypeError(
            f"'{tp.__name__}' object does not support the asynchronous context manager protocol"
        )
    if exit_ is None:
        raise TypeError(
            f"'{tp.__name__}' object does not support the asynchronous context manager "
            "protocol (missed __aexit__ method)"
        )
    stack.append(_bind(exit_, manager))
    return calls.call(frame, _bind(enter, manager), [], None)


@handles
def WITH_EXCEPT_START(frame: Frame, arg: Any) -> Any:
    """Call ``__exit__(type, value, traceback)`` for the exception on top.  Stack:
    ``[exit_func, lasti, prev_exc, exc]``; the result is pushed."""
    from gilsim.interpreter import calls

    stack = frame.stack
    exc = stack[-1]
    exit_func = stack[-4]
    return calls.call(frame, exit_func, [type(exc), exc, exc.__traceback__], None)
