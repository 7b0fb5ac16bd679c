"""Calls, returns and making functions and classes."""

from __future__ import annotations

import sys
from typing import Any

from gilsim.interpreter import calls, generators
from gilsim.interpreter.frame import EXIT, NULL, PENDING_IN_CALLER, Frame, RaiseInCaller
from gilsim.interpreter.functions import SimFunction
from gilsim.interpreter.opcodes import handles
from gilsim.interpreter.opcodes.building import _function_desc

_getrefcount = sys.getrefcount


@handles
def CALL(frame: Frame, arg: int) -> Any:
    """Stack: ``[NULL, callable, args...]`` or ``[method, self, args...]``; the last
    ``len(kw_names)`` arguments are keyword arguments (``KW_NAMES``)."""
    stack = frame.stack
    if arg:
        args = stack[-arg:]
        del stack[-arg:]
    else:
        args = []
    second = stack.pop()
    first = stack.pop()
    if first is NULL:
        function = second
    else:
        function = first
        args.insert(0, second)
    kw_names = frame.kw_names
    kwargs = None
    if kw_names:
        frame.kw_names = ()
        count = len(kw_names)
        kwargs = dict(zip(kw_names, args[-count:], strict=True))
        del args[-count:]
    return calls.call(frame, function, args, kwargs)


@handles
def CALL_FUNCTION_EX(frame: Frame, arg: int) -> Any:
    """``f(*args, **kwargs)``.  Stack: ``[NULL, callable, args, kwargs?]``."""
    stack = frame.stack
    kwargs = stack.pop() if arg & 0x01 else None
    args = stack.pop()
    function = stack.pop()
    stack.pop()  # NULL
    if type(args) is not tuple:
        if not hasattr(args, "__iter__") and not hasattr(args, "__getitem__"):
            raise TypeError(
                f"{_function_desc(function)} argument after * must be an iterable, "
                f"not {type(args).__name__}"
            )
        args = tuple(args)
    if kwargs is not None and type(kwargs) is not dict:
        kwargs = dict(kwargs)
    return calls.call(frame, function, list(args), kwargs)


@handles
def MAKE_FUNCTION(frame: Frame, arg: int) -> None:
    stack = frame.stack
    code = stack.pop()
    closure = stack.pop() if arg & 0x08 else None
    annotations = stack.pop() if arg & 0x04 else None
    kwdefaults = stack.pop() if arg & 0x02 else None
    defaults = stack.pop() if arg & 0x01 else None
    if isinstance(annotations, tuple):
        annotations = dict(zip(annotations[::2], annotations[1::2], strict=True))
    decoded = frame.thread.interp.decoded(code)
    stack.append(
        SimFunction(
            decoded, frame.globals, frame.builtins, defaults, kwdefaults, closure, annotations
        )
    )


@handles
def RETURN_VALUE(frame: Frame, arg: Any) -> Any:
    value = frame.stack.pop()
    ts = frame.thread
    previous = frame.previous
    ts.frame = previous
    ts.depth -= 1
    frame.previous = None
    generator = frame.generator
    if generator is not None:
        generators.leave(generator, ts, generators.FINISHED)
        if not frame.is_entry:
            generators.finished(previous, value, frame.resume_target)
            return previous
    if frame.is_entry:
        frame.is_entry = False
        ts.retval = value
        return EXIT
    if len(frame.fast) > 1 and _getrefcount(frame) <= _UNREFERENCED:
        # CPython releases a finished frame's locals first to last (``_PyFrame_Clear``); a
        # list releases its items last to first, so reverse it (observable through
        # ``__del__`` and generator finalizers).  Not when something still holds the frame.
        frame.fast.reverse()
    instance = frame.init_self
    if instance is not None:
        # The end of ``type_call``: __init__ must return None; the call returns the
        # instance and, as a call of a class in 3.11, ends at a check point.
        ts.depth -= 1  # the C call's level (``calls._call_class``)
        if value is not None:
            raise RaiseInCaller(
                previous,
                TypeError(f"__init__() should return None, not '{type(value).__name__}'"),
            )
        previous.stack.append(instance)
        return PENDING_IN_CALLER if ts.interp.eval_breaker else previous
    previous.stack.append(value)
    return previous


# References to a returning frame held by the eval loop, this handler and getrefcount.
_UNREFERENCED = 3


@handles
def LOAD_BUILD_CLASS(frame: Frame, arg: Any) -> None:
    try:
        frame.stack.append(frame.builtins["__build_class__"])
    except KeyError:
        raise NameError("__build_class__ not found") from None
