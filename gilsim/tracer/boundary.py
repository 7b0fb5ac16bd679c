"""The C boundary as the program meets it: gilsim's shadows of C functions (``_thread``,
``time``, sockets...) are written in Python, and this makes them behave as C functions do
under the tracer.

While a shadow runs, the program's thread is *inside a C function*: nothing it does is
charged instruction by instruction (the shadow charges what it models) and it is no place to
switch, however much Python gilsim runs there, its own or the standard library's.  A ``GilsimError``
the shadow raises (a refused call, ``os._exit``) is no exception of the program's: it stops
the run there (``Tracer.stop``), running no handler of the program.  When the
shadow returns to the program, the call was a call into C: it costs a native call and is a
check point, as ``CALL`` polls ``eval_breaker`` after a C function returns (``docs/model/gil.md``
§2.4).  A shadow that blocks (a lock's ``acquire``) leaves the core inside the C function and
comes back there.

``c_function`` wraps one function; ``c_type`` every method of a class (the program calls a
lock's ``acquire`` and its ``__enter__``, and hashes it); ``call_back`` is how a shadow calls
back into the program (a ``threading.local`` subclass's ``__init__``): that code is the
program's again, charged and switchable.
"""

from __future__ import annotations

import functools
import types
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, TypeVar

from gilsim.errors import GilsimError
from gilsim.interpreter import state
from gilsim.tracer.codeinfo import is_own

if TYPE_CHECKING:
    from gilsim.tracer.monitor import Tracer

F = TypeVar("F", bound=Callable[..., Any])

# The tracer of this host process's run (one run per host process), or None.
TRACER: Tracer | None = None


def activate(tracer: Tracer | None) -> None:
    """Make ``tracer`` the one shadows report to (None: no run)."""
    global TRACER
    TRACER = tracer


# Marks what is already wrapped.
_WRAPPED = "__gilsim_c_function__"


def c_function(function: F) -> F:
    """``function``, behaving as a C function towards the program (see the module's
    docstring)."""
    if getattr(function, _WRAPPED, False):
        return function

    @functools.wraps(function)
    def c_call(*args: Any, **kwargs: Any) -> Any:
        tracer = TRACER
        if tracer is None:
            return function(*args, **kwargs)
        ts = tracer.running
        if ts is None:  # called by gilsim itself, or inside another C function
            return function(*args, **kwargs)
        tracer.running = None
        ts.native += 1
        try:
            result = function(*args, **kwargs)
            # Still inside the C function: gilsim's code here is charged nothing and is no
            # place to switch, whatever Python of the library it runs.
            tracer.after_shadow_call(ts)
        except GilsimError as error:
            # Not the program's to catch (a refused call, ``os._exit``): the run stops.
            tracer.stop(ts, error)
            raise
        finally:
            ts.native -= 1
            tracer.running = ts
        return result

    setattr(c_call, _WRAPPED, True)
    return c_call  # type: ignore[return-value]


def c_type(cls: type) -> type:
    """Every method of ``cls`` (its own, not inherited), and its properties, as C
    functions."""
    if cls.__dict__.get(_WRAPPED):
        return cls
    for name, value in list(cls.__dict__.items()):
        if isinstance(value, types.FunctionType):
            setattr(cls, name, c_function(value))
        elif isinstance(value, staticmethod | classmethod):
            setattr(cls, name, type(value)(c_function(value.__func__)))
        elif isinstance(value, property):
            wrapped = property(
                c_function(value.fget) if value.fget is not None else None,
                c_function(value.fset) if value.fset is not None else None,
                c_function(value.fdel) if value.fdel is not None else None,
                value.__doc__,
            )
            setattr(cls, name, wrapped)
    setattr(cls, _WRAPPED, True)
    return cls


def c_module_attributes(attributes: dict[str, Any]) -> dict[str, Any]:
    """The attributes of a shadow module, gilsim's functions and classes among them made
    C's (the host's own, which a shadow passes on, are C already)."""
    wrapped: dict[str, Any] = {}
    for name, value in attributes.items():
        if isinstance(value, types.FunctionType) and is_own(value.__code__):
            value = c_function(value)
        elif isinstance(value, type) and _defined_by_gilsim(value):
            c_type(value)
        wrapped[name] = value
    return wrapped


def _defined_by_gilsim(cls: type) -> bool:
    return any(
        isinstance(value, types.FunctionType) and is_own(value.__code__)
        for value in cls.__dict__.values()
    )


def call_back(function: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
    """Call the program's ``function`` from inside a C function: its code is the
    program's, charged and a place to switch, as C code calling back into Python is."""
    tracer = TRACER
    if tracer is None:
        return function(*args, **kwargs)
    ts = state.current
    if ts is None or ts.native == 0:
        return function(*args, **kwargs)
    saved = ts.native
    ts.native = 0
    tracer.running = ts
    try:
        return function(*args, **kwargs)
    finally:
        ts.native = saved
        tracer.running = None
