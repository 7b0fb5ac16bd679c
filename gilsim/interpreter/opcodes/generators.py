"""Generators and coroutines: creating them, yielding, delegating, awaiting."""

from __future__ import annotations

from typing import Any

from gilsim.interpreter import generators
from gilsim.interpreter.decode import CO_ASYNC_GENERATOR, CO_COROUTINE
from gilsim.interpreter.frame import EXIT, Frame
from gilsim.interpreter.generators import Resumable, SimCoroutine, SimGenerator
from gilsim.interpreter.opcodes import handles
from gilsim.interpreter.opcodes.exceptions import reraise


@handles
def RETURN_GENERATOR(frame: Frame, arg: Any) -> Any:
    """First instruction of a generator function: wrap the new frame in a generator object
    and return it to the caller, leaving the frame suspended right here."""
    flags = frame.code.flags
    if flags & CO_ASYNC_GENERATOR:
        from gilsim.interpreter.asyncgen import SimAsyncGenerator

        generator: Resumable = SimAsyncGenerator(frame)
    elif flags & CO_COROUTINE:
        generator = SimCoroutine(frame)
    else:
        generator = SimGenerator(frame)
    ts = frame.thread
    previous = frame.previous
    ts.frame = previous
    ts.depth -= 1
    frame.previous = None
    if frame.is_entry:
        frame.is_entry = False
        ts.retval = generator
        return EXIT
    previous.stack.append(generator)
    return previous


@handles
def YIELD_VALUE(frame: Frame, arg: Any) -> Any:
    value = frame.stack.pop()
    ts = frame.thread
    previous = frame.previous
    ts.frame = previous
    ts.depth -= 1
    frame.previous = None
    generators.leave(frame.generator, ts, generators.SUSPENDED)
    if frame.is_entry:
        frame.is_entry = False
        ts.retval = value
        return EXIT
    previous.stack.append(value)
    return previous


@handles
def SEND(frame: Frame, arg: int) -> Any:
    """Stack ``[receiver, value]``: send ``value`` into the receiver.  A yielded value is
    pushed; a return replaces the receiver with the result and jumps to ``arg``."""
    stack = frame.stack
    value = stack.pop()
    receiver = stack[-1]
    if type(receiver) in (SimGenerator, SimCoroutine):
        return generators.resume_in_sim(frame, receiver, value, arg)
    try:
        if value is None and hasattr(type(receiver), "__next__"):
            result = next(receiver)
        else:
            result = receiver.send(value)
    except StopIteration as stop:
        stack[-1] = stop.value
        frame.pc = arg
        return None
    stack.append(result)
    return None


@handles
def GET_AWAITABLE(frame: Frame, arg: int) -> None:
    """``await x``: a coroutine itself, or the iterator ``x.__await__()`` returns."""
    stack = frame.stack
    stack[-1] = get_awaitable(stack[-1], arg)


def get_awaitable(obj: Any, where: int = 0) -> Any:
    if isinstance(obj, SimCoroutine):
        if obj.yieldfrom is not None and obj.status == generators.SUSPENDED:
            raise RuntimeError("coroutine is being awaited already")
        return obj
    if type(obj) is SimGenerator and obj.frame.code.flags & 0x0100:  # CO_ITERABLE_COROUTINE
        return obj
    method = getattr(type(obj), "__await__", None)
    if method is None:
        if where == 1:
            raise TypeError(
                "'async with' received an object from __aenter__ that does not implement "
                f"__await__: {type(obj).__name__}"
            )
        if where == 2:
            raise TypeError(
                "'async with' received an object from __aexit__ that does not implement "
                f"__await__: {type(obj).__name__}"
            )
        raise TypeError(f"object {type(obj).__name__} can't be used in 'await' expression")
    iterator = method(obj)
    if isinstance(iterator, SimCoroutine):
        raise TypeError("__await__() returned a coroutine")
    if not hasattr(type(iterator), "__next__"):
        raise TypeError(f"__await__() returned non-iterator of type '{type(iterator).__name__}'")
    return iterator


@handles
def GET_AITER(frame: Frame, arg: Any) -> None:
    stack = frame.stack
    obj = stack[-1]
    method = getattr(type(obj), "__aiter__", None)
    if method is None:
        raise TypeError(
            f"'async for' requires an object with __aiter__ method, got {type(obj).__name__}"
        )
    iterator = method(obj)
    if getattr(type(iterator), "__anext__", None) is None:
        raise TypeError(
            "'async for' received an object from __aiter__ that does not implement "
            f"__anext__: {type(iterator).__name__}"
        )
    stack[-1] = iterator


@handles
def GET_ANEXT(frame: Frame, arg: Any) -> None:
    stack = frame.stack
    obj = stack[-1]
    method = getattr(type(obj), "__anext__", None)
    if method is None:
        raise TypeError(
            f"'async for' requires an iterator with __anext__ method, got {type(obj).__name__}"
        )
    awaitable = method(obj)
    try:
        stack.append(get_awaitable(awaitable))
    except TypeError:
        raise TypeError(
            f"'async for' received an invalid object from __anext__: {type(awaitable).__name__}"
        ) from None


@handles
def END_ASYNC_FOR(frame: Frame, arg: Any) -> None:
    stack = frame.stack
    exc = stack.pop()
    if isinstance(exc, StopAsyncIteration):
        stack.pop()  # the async iterator
        return
    raise reraise(exc)


@handles
def ASYNC_GEN_WRAP(frame: Frame, arg: Any) -> None:
    from gilsim.interpreter.asyncgen import AsyncGenWrapped

    frame.stack[-1] = AsyncGenWrapped(frame.stack[-1])
