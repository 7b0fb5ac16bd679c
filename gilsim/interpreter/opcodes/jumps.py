"""Jumps and iteration.

Jump arguments are already instruction numbers (``decode``).  ``JUMP_BACKWARD`` and the taken
``POP_JUMP_BACKWARD_IF_*`` are eval-breaker check points in 3.11 (``docs/model/gil.md`` §2.1);
the GIL model hooks in there.
"""

from __future__ import annotations

from typing import Any

from gilsim.interpreter import generators
from gilsim.interpreter.frame import PENDING, Frame
from gilsim.interpreter.generators import SimCoroutine, SimGenerator
from gilsim.interpreter.opcodes import handles


@handles
def JUMP_FORWARD(frame: Frame, arg: int) -> None:
    frame.pc = arg


@handles
def JUMP_BACKWARD(frame: Frame, arg: int) -> Any:
    frame.pc = arg
    if frame.thread.interp.eval_breaker:
        return PENDING
    return None


@handles
def JUMP_BACKWARD_NO_INTERRUPT(frame: Frame, arg: int) -> None:
    frame.pc = arg


@handles
def POP_JUMP_FORWARD_IF_TRUE(frame: Frame, arg: int) -> None:
    if frame.stack.pop():
        frame.pc = arg


@handles
def POP_JUMP_FORWARD_IF_FALSE(frame: Frame, arg: int) -> None:
    if not frame.stack.pop():
        frame.pc = arg


@handles
def POP_JUMP_FORWARD_IF_NONE(frame: Frame, arg: int) -> None:
    if frame.stack.pop() is None:
        frame.pc = arg


@handles
def POP_JUMP_FORWARD_IF_NOT_NONE(frame: Frame, arg: int) -> None:
    if frame.stack.pop() is not None:
        frame.pc = arg


@handles
def POP_JUMP_BACKWARD_IF_TRUE(frame: Frame, arg: int) -> Any:
    if frame.stack.pop():
        frame.pc = arg
        if frame.thread.interp.eval_breaker:
            return PENDING
    return None


@handles
def POP_JUMP_BACKWARD_IF_FALSE(frame: Frame, arg: int) -> Any:
    if not frame.stack.pop():
        frame.pc = arg
        if frame.thread.interp.eval_breaker:
            return PENDING
    return None


@handles
def POP_JUMP_BACKWARD_IF_NONE(frame: Frame, arg: int) -> Any:
    if frame.stack.pop() is None:
        frame.pc = arg
        if frame.thread.interp.eval_breaker:
            return PENDING
    return None


@handles
def POP_JUMP_BACKWARD_IF_NOT_NONE(frame: Frame, arg: int) -> Any:
    if frame.stack.pop() is not None:
        frame.pc = arg
        if frame.thread.interp.eval_breaker:
            return PENDING
    return None


@handles
def JUMP_IF_TRUE_OR_POP(frame: Frame, arg: int) -> None:
    if frame.stack[-1]:
        frame.pc = arg
    else:
        frame.stack.pop()


@handles
def JUMP_IF_FALSE_OR_POP(frame: Frame, arg: int) -> None:
    if not frame.stack[-1]:
        frame.pc = arg
    else:
        frame.stack.pop()


@handles
def GET_ITER(frame: Frame, arg: Any) -> None:
    frame.stack[-1] = iter(frame.stack[-1])


@handles
def FOR_ITER(frame: Frame, arg: int) -> Frame | None:
    """Next item of the iterator on top, or pop it and jump to ``arg`` when exhausted.  A
    simulated generator is resumed in place: its frame becomes the current one."""
    stack = frame.stack
    iterator = stack[-1]
    if type(iterator) is SimGenerator:
        return generators.resume_in_sim(frame, iterator, None, arg)
    try:
        stack.append(next(iterator))
    except StopIteration:
        stack.pop()
        frame.pc = arg
    return None


@handles
def GET_YIELD_FROM_ITER(frame: Frame, arg: Any) -> None:
    iterable = frame.stack[-1]
    if isinstance(iterable, SimCoroutine):
        from gilsim.interpreter.decode import CO_COROUTINE, CO_ITERABLE_COROUTINE

        if not frame.code.flags & (CO_COROUTINE | CO_ITERABLE_COROUTINE):
            raise TypeError("cannot 'yield from' a coroutine object in a non-coroutine generator")
        return
    if not isinstance(iterable, SimGenerator):
        frame.stack[-1] = iter(iterable)
