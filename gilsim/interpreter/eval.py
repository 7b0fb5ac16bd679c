"""The eval loop: CPython's ``_PyEval_EvalFrameDefault`` (``Python/ceval.c``) for simulated
frames.

This is the event loop of one simulated thread.  Cold code runs one instruction at a time:
the loop fetches its ``(handler, arg, cost, pure)`` entry and calls the handler.  Code that
has run a few times runs as compiled basic blocks (``blocks``), one call per block.  Either
returns ``None`` to go on in the same frame, another ``Frame`` to go on there (a call pushed
it, a return or yield went back to it), or ``EXIT`` when the frame this run started with has
returned or yielded.  Raised exceptions are dispatched through the exception table by
``unwind``, as at CPython's ``exception_unwind:``.

Shape chosen for speed: the loop keeps the clock and the instruction count in local variables.
It writes the clock back to the interpreter state only before code that may read or advance
it (anything that can call native or Python code); "pure" instructions and blocks
(``decode.PURE``: loads, stores, stack shuffles, unconditional jumps) skip that.
"""

from __future__ import annotations

from typing import Any, cast

from gilsim.errors import GilsimError, LimitExceeded
from gilsim.interpreter import blocks as blocks_
from gilsim.interpreter import generators, references, signals, state, tracebacks
from gilsim.interpreter.frame import (
    EXIT,
    LEFT_EARLY,
    PENDING,
    PENDING_IN_CALLER,
    Frame,
    RaiseInCaller,
)
from gilsim.units import format_ns


def run(
    ts: state.ThreadState, frame: Frame, exc: BaseException | None = None, entry: bool = True
) -> Any:
    """Run ``frame`` (already linked as ``ts.frame``) and whatever it calls, until it returns
    or yields; return that value.  If ``exc`` is given it is raised in ``frame`` first (how
    ``generator.throw`` resumes a frame).  An exception leaving ``frame`` propagates to the
    caller of ``run``.  With ``entry`` false, ``frame`` is not where this run ends: it
    goes on in its callers down to the frame already marked as the entry (a fork child
    resuming its parent's frames)."""
    if entry:
        frame.is_entry = True
    previous_current = state.current
    state.current = ts
    interp = ts.interp
    clock = interp.clock_ns
    count = 0
    deadline = interp.deadline_ns
    limit = interp.instruction_limit - interp.instructions
    # A fork child's memory still shared with its parent: every reference an instruction
    # pushes writes a refcount, which may copy a page (``gilsim.processes.pages``; its
    # compiled blocks make the same writes).
    pages = interp.pages
    try:
        if exc is not None:
            frame = unwind(ts, frame, exc)
        while True:
            try:
                code = frame.code
                blocks = code.blocks
                while True:
                    pc = frame.pc
                    block = blocks[pc]
                    if block is not None:
                        # A compiled basic block: several instructions in one call.
                        function, cost, size, pure = block
                        clock += cost
                        count += size
                        if clock > deadline or count > limit:
                            interp.clock_ns = clock
                            count = _on_deadline(ts, frame, count)
                            clock = interp.clock_ns
                            deadline = interp.deadline_ns
                            limit = interp.instruction_limit - interp.instructions
                        if pure:
                            result = function(frame)
                            if result is None:
                                continue
                        else:
                            interp.clock_ns = clock
                            result = function(frame)
                            # The call may have blocked: other threads ran meanwhile.
                            clock = interp.clock_ns
                            deadline = interp.deadline_ns
                    else:
                        # Not hot yet: one instruction, as CPython runs cold code unspecialized.
                        handler, arg, cost, pure = code.instructions[pc]
                        heat = code.heat
                        heat[pc] += 1
                        if heat[pc] == blocks_.HOT and blocks_.ENABLED:
                            blocks[pc] = blocks_.compile_block(code, pc, interp)
                        frame.pc = pc + 1
                        clock += cost
                        count += 1
                        if clock > deadline or count > limit:
                            interp.clock_ns = clock
                            count = _on_deadline(ts, frame, count)
                            clock = interp.clock_ns
                            deadline = interp.deadline_ns
                            limit = interp.instruction_limit - interp.instructions
                        if pure:
                            # Pure handlers return None, or PENDING at a check point.
                            result = handler(frame, arg)
                            if pages is not None:
                                clock += _touch(pages, frame, code, pc, result)
                            if result is None:
                                continue
                        else:
                            interp.clock_ns = clock
                            result = handler(frame, arg)
                            clock = interp.clock_ns
                            deadline = interp.deadline_ns
                            if pages is not None:
                                clock += _touch(pages, frame, code, pc, result)
                    if result is not None:
                        if ts.refund_count:
                            # A block was left early: give back what did not run.
                            clock -= ts.refund_ns
                            count -= ts.refund_count
                            ts.refund_ns = ts.refund_count = 0
                        if result is EXIT:
                            return ts.retval
                        if result is LEFT_EARLY:
                            continue
                        if result is PENDING:
                            # A check point found eval_breaker set (``docs/model/gil.md`` §1.4).
                            # The instructions so far are counted first: the old GIL's
                            # ticker reads them (``gilsim.gil.oldgil``).
                            interp.clock_ns = clock
                            count = _count(ts, count)
                            interp.gil.eval_frame_handle_pending(ts.os_thread)
                            if interp.signals_pending:
                                signals.check_signals(interp, ts.os_thread)
                            clock = interp.clock_ns
                            deadline = interp.deadline_ns
                            limit = interp.instruction_limit - interp.instructions
                            continue
                        if result is PENDING_IN_CALLER:
                            # The same, in the caller a call returned to (``ts.frame``).
                            frame = cast(Frame, ts.frame)
                            code = frame.code
                            blocks = code.blocks
                            interp.clock_ns = clock
                            count = _count(ts, count)
                            interp.gil.eval_frame_handle_pending(ts.os_thread)
                            if interp.signals_pending:
                                signals.check_signals(interp, ts.os_thread)
                            clock = interp.clock_ns
                            deadline = interp.deadline_ns
                            limit = interp.instruction_limit - interp.instructions
                            continue
                        frame = result
                        code = frame.code
                        blocks = code.blocks
            except BaseException as raised:
                # A pure instruction raised (the stored clock is behind), or another one
                # (whose callbacks may have advanced the stored clock): keep the later.
                clock = max(clock, interp.clock_ns)
                deadline = interp.deadline_ns
                if ts.refund_count:
                    clock -= ts.refund_ns
                    count -= ts.refund_count
                    ts.refund_ns = ts.refund_count = 0
                if type(raised) is not RaiseInCaller:
                    frame = unwind(ts, frame, raised)
                    continue
                in_caller = raised
            # Unwound outside the ``except`` clause, so that the host does not chain the
            # wrapper to the exception as its context.
            frame = unwind(ts, in_caller.frame, in_caller.exc)
    finally:
        interp.clock_ns = clock
        interp.instructions += count
        ts.instructions += count
        state.current = previous_current


def _touch(pages: Any, frame: Frame, code: Any, pc: int, result: Any) -> int:
    """The refcount writes of instruction ``pc``, if it finished in ``frame`` without
    jumping (a jump, a call or a return pushed nothing here), or at a check point: the time
    its copy-on-write faults took (ns).  Compiled blocks make the same writes
    (``blocks._emit_touch_after_return``)."""
    if result is PENDING or (result is None and frame.pc == pc + 1):
        return int(pages.touch_top(frame.stack, references.pushes(code)[pc]))
    return 0


def _count(ts: state.ThreadState, count: int) -> int:
    """Count ``count`` instructions run to the interpreter and the thread; returns the
    instructions still to be counted by the caller (none)."""
    ts.interp.instructions += count
    ts.instructions += count
    return 0


def _on_deadline(ts: state.ThreadState, frame: Frame, count: int) -> int:
    """The running thread reached the time of the next event or a limit: stop on a limit,
    else let the machine run the events that are due (the thread may be preempted, or
    other threads may run, before this returns).  Returns the instructions still to be
    counted by the caller (none: they are counted here).  On a limit it raises with them
    uncounted: the caller's ``run`` counts them as it ends (counted here too, they were
    counted twice)."""
    interp = ts.interp
    if interp.clock_ns > interp.limit_ns:
        raise LimitExceeded(
            f"the program ran past --max-time {format_ns(interp.limit_ns)} of virtual "
            f"time; stopped at {_where(frame)}"
        )
    if interp.instructions + count > interp.instruction_cap:
        raise LimitExceeded(
            f"the program ran past --max-instructions {interp.max_instructions}; "
            f"stopped at {_where(frame)}"
        )
    _count(ts, count)
    if interp.instructions > interp.instruction_limit:
        past = interp.poll()
        if past is not None:
            raise LimitExceeded(f"{past}; stopped at {_where(frame)}")
    if interp.clock_ns > interp.deadline_ns and interp.machine is not None:
        interp.machine.yield_to_events(ts.os_thread)
    return 0


def _where(frame: Frame) -> str:
    return f'"{frame.code.code.co_filename}", line {frame.lineno}'


def unwind(ts: state.ThreadState, frame: Frame, exc: BaseException) -> Frame:
    """Find the handler for ``exc`` raised by the last instruction of ``frame``, popping
    frames that have none; return the frame to continue in.  If the entry frame of this run
    has no handler either, the exception is raised to the caller of ``run``."""
    if isinstance(exc, GilsimError):
        raise exc
    exc.__traceback__ = None  # host frames of gilsim itself are no part of the story
    rec = tracebacks.record(exc)
    if rec.reraise:
        rec.reraise = False
    elif rec.in_flight:
        # Came back through native code from a simulated frame: only this frame is new.
        rec.in_flight = False
        tracebacks.add_entry(exc, frame)
    else:
        set_context(ts, exc)
        tracebacks.add_entry(exc, frame)
    while True:
        entry = frame.code.handler_for(frame.pc - 1)
        if entry is not None:
            stack = frame.stack
            del stack[entry.depth :]
            if entry.lasti:
                stack.append(frame.pc - 1)
            stack.append(exc)
            frame.pc = entry.target
            return frame
        # No handler here: the frame exits with the exception (``exit_unwind:``).
        previous = frame.previous
        ts.frame = previous
        ts.depth -= 1 if frame.init_self is None else 2  # and a class call's C level
        frame.previous = None
        if frame.generator is not None:
            exc = generators.exit_with_exception(frame.generator, exc)
        if frame.is_entry:
            frame.is_entry = False
            tracebacks.record(exc).in_flight = True
            raise exc
        assert previous is not None
        frame = previous
        tracebacks.add_entry(exc, frame)


def set_context(ts: state.ThreadState, exc: BaseException) -> None:
    """Chain ``exc`` to the exception being handled, as ``_PyErr_SetObject`` does: implicit
    ``__context__``, breaking any cycle that would create."""
    handled = ts.exc_info[-1]
    if handled is None or handled is exc:
        return
    link = handled
    while True:
        context = link.__context__
        if context is None:
            break
        if context is exc:
            link.__context__ = None
            break
        link = context
    exc.__context__ = handled


def call_from_native(function: Any, args: tuple[Any, ...], kwargs: dict[str, Any]) -> Any:
    """Call a simulated function from native code: a nested run of the eval loop on the
    current thread, as C code calls ``_PyEval_EvalFrame``.

    With no simulated thread running, the function belongs to a run that is over: the host's
    collector found one of its objects later (a ``__del__``, a weakref callback), outside any
    run.  It runs nothing, as nothing runs after ``Py_FinalizeEx``: raising would leave an
    unraisable exception holding the finished run's frames (and interpreter) alive."""
    ts = state.current
    if ts is None:
        return None
    return run_nested(ts, function.new_frame(args, kwargs))


def run_nested(ts: state.ThreadState, frame: Frame) -> Any:
    """Link ``frame`` in front of ``ts``'s current frame and run it to its return."""
    depth = ts.depth + 1
    if depth > ts.interp.recursion_limit:
        raise RecursionError("maximum recursion depth exceeded while calling a Python object")
    ts.depth = depth
    frame.previous = ts.frame
    frame.thread = ts
    ts.frame = frame
    return run(ts, frame)
