"""Simulated asynchronous generators (``Objects/genobject.c``, the ``async_gen*`` types).

An async generator's frame yields two kinds of values: what ``yield x`` produced, wrapped by
``ASYNC_GEN_WRAP`` (the result of one ``__anext__``), and whatever its ``await``s pass up to
the event loop.  ``__anext__``, ``asend``, ``athrow`` and ``aclose`` return awaitables that
resume the frame and tell the two apart.
"""

from __future__ import annotations

import sys
from typing import Any

from gilsim.interpreter import generators
from gilsim.interpreter.generators import Resumable, _make_exception, resume_native


class AsyncGenWrapped:
    """A value produced by ``yield`` in an async generator (``_PyAsyncGenWrappedValue``)."""

    __slots__ = ("value",)

    def __init__(self, value: Any) -> None:
        self.value = value


class SimAsyncGenerator(Resumable):
    """``PyAsyncGenObject`` for a simulated frame."""

    __slots__ = ("hooks_inited", "closed")
    _kind = "async generator"

    def __init__(self, frame: Any) -> None:
        super().__init__(frame)
        self.hooks_inited = False
        self.closed = False

    def _init_hooks(self) -> None:
        # ``async_gen_init_hooks``: the event loop learns of the generator on first use.
        if self.hooks_inited:
            return
        self.hooks_inited = True
        firstiter: Any = sys.get_asyncgen_hooks().firstiter
        if firstiter is not None:
            firstiter(self)

    def __aiter__(self) -> SimAsyncGenerator:
        return self

    def __anext__(self) -> AsyncGenASend:
        self._init_hooks()
        return AsyncGenASend(self, None)

    def asend(self, value: Any) -> AsyncGenASend:
        self._init_hooks()
        return AsyncGenASend(self, value)

    def athrow(self, typ: Any, value: Any = None, traceback: Any = None) -> AsyncGenAThrow:
        self._init_hooks()
        return AsyncGenAThrow(self, _make_exception(typ, value))

    def aclose(self) -> AsyncGenAThrow:
        self._init_hooks()
        return AsyncGenAThrow(self, None)

    @property
    def ag_running(self) -> bool:
        return self.status == generators.RUNNING

    @property
    def ag_code(self) -> Any:
        return self.frame.code.code

    @property
    def ag_frame(self) -> Any:
        return self.gi_frame

    @property
    def ag_await(self) -> Any:
        return self.yieldfrom


def _unwrap(gen: SimAsyncGenerator, step: Any) -> Any:
    """Run one step of ``gen``'s frame; a wrapped value ends the awaitable with it."""
    try:
        value = step()
    except StopIteration:
        raise StopAsyncIteration from None
    if isinstance(value, AsyncGenWrapped):
        raise StopIteration(value.value)
    return value


class _Awaitable:
    __slots__ = ("gen", "started", "done")

    def __init__(self, gen: SimAsyncGenerator) -> None:
        self.gen = gen
        self.started = False
        self.done = False

    def __await__(self) -> _Awaitable:
        return self

    def __iter__(self) -> _Awaitable:
        return self

    def __next__(self) -> Any:
        return self.send(None)

    def send(self, value: Any) -> Any:
        raise NotImplementedError

    def close(self) -> None:
        self.done = True


class AsyncGenASend(_Awaitable):
    """``async_generator_asend``: what ``__anext__()`` and ``asend(v)`` return."""

    __slots__ = ("value",)

    def __init__(self, gen: SimAsyncGenerator, value: Any) -> None:
        super().__init__(gen)
        self.value = value

    def send(self, value: Any) -> Any:
        if self.done:
            raise RuntimeError("cannot reuse already awaited __anext__()/asend()")
        if not self.started:
            self.started = True
            if value is None:
                value = self.value
        try:
            return _unwrap(self.gen, lambda: resume_native(self.gen, value, None))
        except BaseException:
            self.done = True
            raise

    def throw(self, typ: Any, value: Any = None, traceback: Any = None) -> Any:
        if self.done:
            raise RuntimeError("cannot reuse already awaited __anext__()/asend()")
        exc = _make_exception(typ, value)
        try:
            return _unwrap(self.gen, lambda: self.gen.throw(exc))
        except BaseException:
            self.done = True
            raise


class AsyncGenAThrow(_Awaitable):
    """``async_generator_athrow``: what ``athrow()`` and (with no exception) ``aclose()``
    return."""

    __slots__ = ("exc",)

    def __init__(self, gen: SimAsyncGenerator, exc: BaseException | None) -> None:
        super().__init__(gen)
        self.exc = exc

    def send(self, value: Any) -> Any:
        gen = self.gen
        if self.done:
            raise RuntimeError("cannot reuse already awaited aclose()/athrow()")
        if not self.started:
            self.started = True
            if gen.status in (generators.CREATED, generators.FINISHED) and self.exc is None:
                gen.status = generators.FINISHED
                self.done = True
                raise StopIteration
            exc = self.exc if self.exc is not None else GeneratorExit()
            return self._result(lambda: resume_native(gen, None, exc))
        return self._result(lambda: resume_native(gen, value, None))

    def throw(self, typ: Any, value: Any = None, traceback: Any = None) -> Any:
        exc = _make_exception(typ, value)
        return self._result(lambda: self.gen.throw(exc))

    def _result(self, step: Any) -> Any:
        try:
            value = step()
        except (StopAsyncIteration, GeneratorExit) as ended:
            self.done = True
            if self.exc is None:
                # aclose(): the generator finished or let GeneratorExit through: done.
                raise StopIteration from None
            if isinstance(ended, GeneratorExit):
                raise
            raise
        except StopIteration:
            self.done = True
            if self.exc is None:
                raise
            raise StopAsyncIteration from None
        except BaseException:
            self.done = True
            raise
        if isinstance(value, AsyncGenWrapped):
            if self.exc is None:
                self.done = True
                raise RuntimeError("async generator ignored GeneratorExit")
            self.done = True
            raise StopIteration(value.value)
        return value


for _cls, _name in (
    (SimAsyncGenerator, "async_generator"),
    (AsyncGenASend, "async_generator_asend"),
    (AsyncGenAThrow, "async_generator_athrow"),
    (AsyncGenWrapped, "async_generator_wrapped_value"),
):
    _cls.__name__ = _cls.__qualname__ = _name
    _cls.__module__ = "builtins"
