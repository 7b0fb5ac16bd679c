"""Simulated generators and coroutines (``Objects/genobject.c``).

A generator owns a suspended frame.  Resumed from simulated code (``FOR_ITER``, ``SEND``), its
frame is linked in front of the resumer's and the eval loop simply carries on there; a
``yield`` or ``return`` links back.  Resumed from native code (``list(gen)``, ``next(gen)``,
``gen.send``, ``throw``, ``close``), its frame runs in a nested run of the eval loop.
"""

from __future__ import annotations

from typing import Any

from gilsim.interpreter import eval as eval_
from gilsim.interpreter import state
from gilsim.interpreter.frame import Frame

CREATED, SUSPENDED, RUNNING, FINISHED = "created", "suspended", "running", "finished"


class Resumable:
    """What generators, coroutines and async generators share: a suspended frame that can
    be sent values, thrown exceptions into, and closed."""

    __slots__ = ("frame", "status", "exc_state", "__name__", "__dict__", "__weakref__")
    _kind = "generator"

    def __init__(self, frame: Frame) -> None:
        self.frame = frame
        self.status = CREATED
        self.exc_state: Any = None
        code = frame.code.code
        self.__name__ = code.co_name
        self.__qualname__ = code.co_qualname

    def send(self, value: Any) -> Any:
        return resume_native(self, value, None)

    def throw(self, typ: Any, value: Any = None, traceback: Any = None) -> Any:
        exc = _make_exception(typ, value)
        yf = self.yieldfrom
        if yf is not None and not isinstance(exc, GeneratorExit):
            return _throw_delegated(self, yf, exc)
        if yf is not None:
            _close_iter(yf)
        return resume_native(self, None, exc)

    def close(self) -> None:
        """``gen_close``: raise ``GeneratorExit`` at the ``yield``; it must not yield again."""
        if self.status == CREATED:
            self.status = FINISHED
            return
        if self.status == FINISHED:
            return
        yf = self.yieldfrom
        if yf is not None:
            _close_iter(yf)
        try:
            resume_native(self, None, GeneratorExit())
        except (GeneratorExit, StopIteration):
            return
        raise RuntimeError(f"{self._kind} ignored GeneratorExit")

    def __del__(self) -> None:
        # CPython closes a suspended generator when its last reference goes
        # (``_PyGen_Finalize``), running its ``finally`` blocks there and then.  Not a fork
        # copy that was never finished (it has no status), nor a generator of a process
        # that has ended.
        current = state.current
        if getattr(self, "status", None) != SUSPENDED or current is None:
            return
        if state.refused(self.frame.globals):
            return
        owner = self.frame.thread
        if owner is not None and owner.interp is not current.interp:
            # Another process's, or a run's that is over (the host's collector found it
            # late): its code must not run on this interpreter's thread.
            return
        try:
            self.close()
        except BaseException as exc:  # printed as "Exception ignored in", like CPython
            import sys

            print(f"Exception ignored in: {self!r}", file=sys.stderr)
            print(f"{type(exc).__name__}: {exc}", file=sys.stderr)

    # -- introspection ---------------------------------------------------------------------

    @property
    def yieldfrom(self) -> Any:
        """The iterator a suspended ``yield from``/``await`` delegates to (``_PyGen_yf``)."""
        frame = self.frame
        if self.status != SUSPENDED or frame.pc >= len(frame.code.opnames):
            return None
        index = frame.pc
        if frame.code.opnames[index] == "RESUME" and frame.code.instructions[index][1] >= 2:
            return frame.stack[-1]
        return None

    @property
    def gi_running(self) -> bool:
        return self.status == RUNNING

    @property
    def gi_suspended(self) -> bool:
        return self.status == SUSPENDED

    @property
    def gi_code(self) -> Any:
        return self.frame.code.code

    @property
    def gi_frame(self) -> Any:
        return None if self.status == FINISHED else self.frame

    @property
    def gi_yieldfrom(self) -> Any:
        return self.yieldfrom

    def __repr__(self) -> str:
        return f"<{self._kind} object {self.__qualname__} at {id(self):#x}>"


class SimGenerator(Resumable):
    """``PyGenObject`` for a simulated frame."""

    __slots__ = ()

    def __iter__(self) -> SimGenerator:
        return self

    def __next__(self) -> Any:
        return self.send(None)


class SimCoroutine(Resumable):
    """``PyCoroObject``: a generator that is awaited rather than iterated."""

    __slots__ = ()
    _kind = "coroutine"

    def __await__(self) -> _CoroutineWrapper:
        return _CoroutineWrapper(self)

    @property
    def cr_running(self) -> bool:
        return self.status == RUNNING

    @property
    def cr_await(self) -> Any:
        return self.yieldfrom

    @property
    def cr_code(self) -> Any:
        return self.frame.code.code

    @property
    def cr_frame(self) -> Any:
        return self.gi_frame


class _CoroutineWrapper:
    """What ``coroutine.__await__()`` returns (``coroutine_wrapper``)."""

    __slots__ = ("coroutine",)

    def __init__(self, coroutine: SimCoroutine) -> None:
        self.coroutine = coroutine

    def __iter__(self) -> _CoroutineWrapper:
        return self

    def __next__(self) -> Any:
        return self.coroutine.send(None)

    def send(self, value: Any) -> Any:
        return self.coroutine.send(value)

    def throw(self, *args: Any) -> Any:
        return self.coroutine.throw(*args)

    def close(self) -> None:
        self.coroutine.close()


def _make_exception(typ: Any, value: Any) -> BaseException:
    if isinstance(typ, BaseException):
        if value is not None:
            raise TypeError("instance exception may not have a separate value")
        return typ
    if isinstance(typ, type) and issubclass(typ, BaseException):
        if isinstance(value, typ):
            return value
        if value is None:
            return typ()
        return typ(*value) if isinstance(value, tuple) else typ(value)
    raise TypeError(
        "exceptions must be classes or instances deriving from BaseException, "
        f"not {type(typ).__name__}"
    )


def _close_iter(yf: Any) -> None:
    close = getattr(yf, "close", None)
    if close is not None:
        close()


def _throw_delegated(gen: Resumable, yf: Any, exc: BaseException) -> Any:
    """``_gen_throw`` with a delegate: throw into it; if it finishes, the delegating frame
    goes on after its ``yield from`` loop with the result or the exception."""
    throw = getattr(yf, "throw", None)
    if throw is None:
        return resume_native(gen, None, exc)
    gen.status = RUNNING
    try:
        return throw(exc)
    except StopIteration as stop:
        result: Any = stop.value
        error: BaseException | None = None
    except BaseException as raised:
        result, error = None, raised
    finally:
        if gen.status == RUNNING:
            gen.status = SUSPENDED
    frame = gen.frame
    frame.stack.pop()  # the delegate
    # Jump to the end of the SEND loop, as ``_gen_throw`` does ("Termination repetition").
    send_index = frame.pc - 3 if frame.code.opnames[frame.pc - 3] == "SEND" else _find_send(frame)
    frame.pc = frame.code.instructions[send_index][1]
    if error is not None:
        return resume_native(gen, None, error)
    frame.stack.append(result)
    return resume_native(gen, None, None, push=False)


def _find_send(frame: Frame) -> int:
    index = frame.pc - 1
    while frame.code.opnames[index] != "SEND":
        index -= 1
    return index


def resume_native(gen: Resumable, value: Any, exc: BaseException | None, push: bool = True) -> Any:
    """Resume ``gen`` from native code: send ``value`` or throw ``exc``; return what it
    yields, raise ``StopIteration`` when it returns."""
    status = gen.status
    if status == RUNNING:
        raise ValueError(f"{gen._kind} already executing")
    if status == FINISHED:
        if exc is not None:
            raise exc
        if isinstance(gen, SimCoroutine):
            raise RuntimeError("cannot reuse already awaited coroutine")
        raise StopIteration
    if status == CREATED and value is not None and exc is None:
        raise TypeError(f"can't send non-None value to a just-started {gen._kind}")
    if status == CREATED and exc is not None:
        gen.status = FINISHED
        raise exc
    ts = state.current_thread()
    frame = gen.frame
    if push and exc is None:
        frame.stack.append(value)
    frame.resume_target = None
    _enter(gen, ts, ts.frame)
    value = eval_.run(ts, frame, exc)
    if gen.status == FINISHED:
        raise StopIteration(value) if value is not None else StopIteration
    return value


def _enter(gen: Resumable, ts: state.ThreadState, caller: Frame | None) -> None:
    frame = gen.frame
    if ts.depth + 1 > ts.interp.recursion_limit:
        raise RecursionError("maximum recursion depth exceeded")
    ts.depth += 1
    frame.previous = caller
    frame.thread = ts
    ts.frame = frame
    gen.status = RUNNING
    # The frame points back at its generator only while it runs, so that a suspended
    # generator is not in a reference cycle and is finalized as soon as it is dropped.
    frame.generator = gen
    ts.exc_info.append(gen.exc_state)


def resume_in_sim(caller: Frame, gen: Resumable, value: Any, target: int) -> Frame | None:
    """Resume ``gen`` from ``FOR_ITER``/``SEND`` in ``caller``: its frame becomes the current
    one.  Returns ``None`` (and does the instruction's "exhausted" part) if it is finished."""
    status = gen.status
    if status == RUNNING:
        raise ValueError(f"{gen._kind} already executing")
    if status == FINISHED:
        if isinstance(gen, SimCoroutine):
            raise RuntimeError("cannot reuse already awaited coroutine")
        finished(caller, None, target)
        return None
    if status == CREATED and value is not None:
        raise TypeError(f"can't send non-None value to a just-started {gen._kind}")
    frame = gen.frame
    frame.stack.append(value)
    frame.is_entry = False
    frame.resume_target = target
    _enter(gen, caller.thread, caller)
    return frame


def finished(caller: Frame, value: Any, target: int) -> None:
    """The resumer's side of a generator returning ``value``: ``FOR_ITER`` drops the
    iterator, ``SEND`` replaces the receiver with the value; both jump to ``target``."""
    if caller.code.opnames[caller.pc - 1] == "FOR_ITER":
        caller.stack.pop()
    else:
        caller.stack[-1] = value
    caller.pc = target


def leave(gen: Resumable, ts: state.ThreadState, status: str) -> None:
    """The generator's frame stops running: suspended at a ``yield`` or finished."""
    gen.status = status
    gen.frame.generator = None
    gen.exc_state = ts.exc_info.pop()
    if status == FINISHED:
        gen.exc_state = None


def exit_with_exception(gen: Resumable, exc: BaseException) -> BaseException:
    """The frame of ``gen`` is left by ``exc``; a ``StopIteration`` escaping a generator
    becomes a ``RuntimeError`` (PEP 479, ``gen_send_ex2``)."""
    leave(gen, gen.frame.thread, FINISHED)
    if isinstance(exc, StopIteration) or (
        isinstance(exc, StopAsyncIteration) and gen._kind == "async generator"
    ):
        error = RuntimeError(f"{gen._kind} raised {type(exc).__name__}")
        error.__cause__ = exc
        error.__context__ = exc
        return error
    return exc


# The program sees these classes under CPython's names.
for _cls, _name in (
    (SimGenerator, "generator"),
    (SimCoroutine, "coroutine"),
    (_CoroutineWrapper, "coroutine_wrapper"),
):
    _cls.__name__ = _cls.__qualname__ = _name
    _cls.__module__ = "builtins"
