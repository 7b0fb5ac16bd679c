"""Calling things from simulated code.

A simulated function gets a new frame linked in front of the caller (no host recursion).
A few builtins need the calling frame (``locals()``, ``exec``, zero-argument ``super()``):
they are ``FrameBuiltin`` objects.  Anything else is native: called directly, one step of the
simulation whose cost the cost model charges; if it calls back into simulated code, that code
runs in a nested run of the eval loop.
"""

from __future__ import annotations

import types
from typing import Any

from gilsim.interpreter import costs
from gilsim.interpreter import eval as eval_
from gilsim.interpreter.frame import PENDING, Frame, push_frame
from gilsim.interpreter.functions import SimFunction

_MethodType = types.MethodType
_super = super


class FrameBuiltin:
    """A builtin that needs the calling simulated frame.  ``call_in`` returns the result, or
    a new ``Frame`` to run (``exec`` pushes the executed code's frame)."""

    __slots__ = ("__name__", "__dict__", "_call_in", "_native")

    def __init__(self, name: str, call_in: Any, native: Any) -> None:
        self.__name__ = self.__qualname__ = name
        self.__doc__ = getattr(native, "__doc__", None)
        self._call_in = call_in
        self._native = native

    def call_in(self, frame: Frame, args: list[Any], kwargs: dict[str, Any] | None) -> Any:
        return self._call_in(frame, args, kwargs or {})

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        """Called from native code there is no simulated caller frame: use the innermost one."""
        from gilsim.interpreter import state

        frame: Any = state.current_thread().frame
        result = self._call_in(frame, list(args), kwargs)
        if isinstance(result, Frame):
            ts = state.current_thread()
            push_frame(ts, frame, result)
            return eval_.run(ts, result)
        return result

    def __repr__(self) -> str:
        return f"<built-in function {self.__name__}>"

    def __reduce__(self) -> str:
        return self.__name__


def call(frame: Frame, function: Any, args: list[Any], kwargs: dict[str, Any] | None) -> Any:
    """Call ``function`` from ``frame``: return the frame to continue in, or ``None`` once
    the result is pushed on ``frame``'s stack."""
    tp = type(function)
    if tp is SimFunction:
        return push_frame(frame.thread, frame, function.new_frame(args, kwargs))
    if tp is _MethodType and type(function.__func__) is SimFunction:
        args.insert(0, function.__self__)
        callee = function.__func__.new_frame(args, kwargs)
        return push_frame(frame.thread, frame, callee)
    interp = frame.thread.interp
    if tp is type:
        init = plain_init(function)
        if init is not None:
            return _call_class(frame, function, init, args, kwargs)
    if tp is FrameBuiltin:
        result = function.call_in(frame, args, kwargs)
        if isinstance(result, Frame):
            return push_frame(frame.thread, frame, result)
        frame.stack.append(result)
    elif function is _super and not args and not kwargs:
        frame.stack.append(zero_argument_super(frame))
    else:
        clock = interp.clock_ns + costs.native_call_cost(function, args)
        if clock > interp.deadline_ns:
            spend(interp, frame.thread, clock - interp.clock_ns)
        else:
            interp.clock_ns = clock
        if kwargs:
            frame.stack.append(function(*args, **kwargs))
        else:
            frame.stack.append(function(*args))
    if interp.eval_breaker and checks_after(function, args):
        return PENDING
    return None


_GENERATOR_FLAGS = 0x20 | 0x80 | 0x100 | 0x200  # CO_GENERATOR, CO_COROUTINE, ...
_object_new = object.__new__


def plain_init(cls: type) -> SimFunction | None:
    """The simulated ``__init__`` that calling ``cls`` runs, if the call can be made without
    native code in between: ``cls``'s metaclass is ``type``, it makes its instances with
    ``object.__new__`` and its ``__init__`` is a plain simulated function (not a generator).
    Read from the classes' own dicts, never through the program's descriptors."""
    init = None
    for klass in cls.__mro__:
        namespace = klass.__dict__
        if "__new__" in namespace and klass is not object:
            return None
        if init is None and "__init__" in namespace:
            init = namespace["__init__"]
    if type(init) is not SimFunction or init.__code__.co_flags & _GENERATOR_FLAGS:
        return None
    return init


def _call_class(
    frame: Frame, cls: type, init: SimFunction, args: list[Any], kwargs: dict[str, Any] | None
) -> Frame:
    """``type_call`` (``Objects/typeobject.c``) for a class with a simulated ``__init__``:
    make the instance with ``object.__new__``, then push ``__init__``'s frame, as CPython
    3.13 does (``CALL_ALLOC_AND_ENTER_INIT``).  In 3.11 ``type_call`` runs ``__init__`` from
    C, in a new run of the eval loop; pushing its frame instead runs the same instructions
    and keeps simulated calls off the host stack, so that a thread can be copied by fork
    inside ``__init__``.  ``RETURN_VALUE`` hands the instance to the caller and makes the
    check point that ends 3.11's ``CALL`` of a class (``checks_after``)."""
    interp = frame.thread.interp
    clock = interp.clock_ns + costs.native_call_cost(cls, args)
    if clock > interp.deadline_ns:
        spend(interp, frame.thread, clock - interp.clock_ns)
    else:
        interp.clock_ns = clock
    ts = frame.thread
    # The C call counts against the recursion limit, as does the frame it runs
    # (``_Py_EnterRecursiveCallTstate`` in ``_PyObject_MakeTpCall``, then
    # ``_Py_EnterRecursivePy``): a level of class calls costs two, and which of the two
    # checks trips decides the message.
    if ts.depth + 1 > interp.recursion_limit:
        raise RecursionError("maximum recursion depth exceeded while calling a Python object")
    instance: Any = _object_new(cls)
    args.insert(0, instance)
    callee = init.new_frame(args, kwargs)
    callee.init_self = instance
    ts.depth += 1
    try:
        return push_frame(ts, frame, callee)
    except RecursionError:
        ts.depth -= 1
        raise


def spend(interp: Any, ts: Any, cost_ns: int) -> None:
    """Run native code for ``cost_ns`` holding the GIL, before making the call
    (``InterpreterState.spend``)."""
    interp.spend(ts, cost_ns)


_BuiltinMethodType = types.BuiltinMethodType


def checks_after(function: Any, args: list[Any]) -> bool:
    """Whether ``CALL`` of native ``function`` ends at a check point.  3.11 checks
    ``eval_breaker`` after every call of a callee it does not run in the same eval loop,
    except in the specializations for ``len``, ``isinstance``, one-argument ``type`` and
    ``list.append`` (``PRECALL_NO_KW_LEN`` etc.; ``docs/model/gil.md`` §2.1).  gilsim treats those
    as specialized from their first call."""
    if function is len or function is isinstance:
        return False
    if function is type:
        return len(args) != 1
    return not (
        type(function) is _BuiltinMethodType
        and type(function.__self__) is list
        and function.__name__ == "append"
    )


def zero_argument_super(frame: Frame) -> Any:
    """``super()`` with no arguments: the ``__class__`` cell and the first argument of the
    calling frame (``super_init_without_args`` in ``Objects/typeobject.c``)."""
    code = frame.code
    if code.code.co_argcount == 0 and not code.code.co_flags & 0x04:
        raise RuntimeError("super(): no arguments")
    first = frame.fast[0]
    if 0 in code.cell_slots and isinstance(first, types.CellType):
        first = first.cell_contents
    names = code.localsplus_names
    try:
        index = names.index("__class__", code.nlocalsplus - len(code.code.co_freevars))
    except ValueError:
        raise RuntimeError("super(): __class__ cell not found") from None
    try:
        klass = frame.fast[index].cell_contents
    except ValueError:
        raise RuntimeError("super(): empty __class__ cell") from None
    if not isinstance(klass, type):
        raise RuntimeError("super(): __class__ is not a type")
    return _super(klass, first)
