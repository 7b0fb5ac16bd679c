"""Simulated functions: what ``MAKE_FUNCTION`` builds from a code object.

A ``SimFunction`` looks and behaves like a Python function to the program and to native code
(name, qualname, defaults, closure, ``__dict__``, method binding through ``__get__``,
pickling by reference), but its code runs inside the simulation.  Called from simulated code,
``CALL`` pushes a frame for it; called from native code (``sorted(key=f)``, a user ``__eq__``
reached from ``list.index``), its ``__call__`` runs it in a nested run of the eval loop, as
CPython's C code calls back into ``_PyEval_EvalFrame`` on the C stack.
"""

from __future__ import annotations

import types
from typing import Any

from gilsim.interpreter import binding, state
from gilsim.interpreter import eval as eval_
from gilsim.interpreter.decode import CO_VARARGS, CO_VARKEYWORDS, DecodedCode
from gilsim.interpreter.frame import NULL, Frame

# ``state.refused``, written out: this is on the path of every callback from native code.
# (The list and the dict are changed in place, never rebound.)
_REFUSED = state.REFUSED
_DEAD_GLOBALS = state.DEAD_GLOBALS


class SimFunction:
    """A function whose body is executed by gilsim (``PyFunctionObject``)."""

    __slots__ = (
        "decoded",
        "__code__",
        "__globals__",
        "__builtins__",
        "__name__",
        "__defaults__",
        "__kwdefaults__",
        "__closure__",
        "__annotations__",
        "__dict__",
        "__weakref__",
        "fast_call_arity",
        "binding_stub",
    )

    def __init__(
        self,
        decoded: DecodedCode,
        globals_: dict[str, Any],
        builtins: dict[str, Any],
        defaults: tuple[Any, ...] | None = None,
        kwdefaults: dict[str, Any] | None = None,
        closure: tuple[Any, ...] | None = None,
        annotations: Any = None,
    ) -> None:
        code = decoded.code
        # __qualname__, __module__ and __doc__ live in the instance dict: as slots they would
        # clash with the class's own attributes of those names.
        self.__dict__: dict[str, Any] = {}
        self.decoded = decoded
        self.__code__ = code
        self.__globals__ = globals_
        self.__builtins__ = builtins
        self.__name__ = code.co_name
        self.__qualname__ = code.co_qualname
        self.__defaults__ = defaults
        self.__kwdefaults__ = kwdefaults
        self.__closure__ = closure
        self.__annotations__ = annotations if annotations is not None else {}
        self.__module__: Any = globals_.get("__name__")
        consts = code.co_consts
        self.__doc__ = consts[0] if consts and isinstance(consts[0], str) else None
        # The number of positional arguments that can be bound by copying (no defaults
        # needed, no *args/**kwargs/keyword-only): the fast path of ``CALL``.
        plain = not (code.co_flags & (CO_VARARGS | CO_VARKEYWORDS)) and not code.co_kwonlyargcount
        self.fast_call_arity = code.co_argcount if plain else -1
        self.binding_stub: Any = None

    def __get__(self, instance: Any, owner: Any = None) -> Any:
        if instance is None:
            return self
        return types.MethodType(self, instance)

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        """Called from native code: ``eval.call_from_native``, with the common case (as many
        positional arguments as parameters) bound here, since callbacks are frequent."""
        if _REFUSED[0] or (_DEAD_GLOBALS and id(self.__globals__) in _DEAD_GLOBALS):
            return None  # an object of a process that has ended: it runs nothing any more
        ts = state.current
        if ts is None or kwargs or len(args) != self.fast_call_arity:
            return eval_.call_from_native(self, args, kwargs)
        decoded = self.decoded
        fast = list(args)
        missing = decoded.nlocalsplus - len(fast)
        if missing:
            fast.extend([NULL] * missing)
        frame = Frame(decoded, fast, self.__globals__, self.__builtins__, None, self)
        return eval_.run_nested(ts, frame)

    def __repr__(self) -> str:
        return f"<function {self.__qualname__} at {id(self):#x}>"

    def __reduce__(self) -> str:
        # Pickled by reference, like a Python function (``save_global`` in pickle.py).
        return self.__qualname__

    @property
    def __signature__(self) -> Any:
        import inspect

        return inspect.signature(binding.stub_function(self))

    def __reduce_ex__(self, protocol: Any) -> str:
        return self.__qualname__

    def new_frame(self, args: list[Any] | tuple[Any, ...], kwargs: dict[str, Any] | None) -> Frame:
        """A frame for a call with these arguments, bound as CPython binds them
        (``initialize_locals`` in ``Python/ceval.c``); binding errors are CPython's."""
        decoded = self.decoded
        if kwargs or len(args) != self.fast_call_arity:
            fast = binding.bind(self, args, kwargs)
        else:
            fast = list(args)
        missing = decoded.nlocalsplus - len(fast)
        if missing:
            fast.extend([NULL] * missing)
        return Frame(decoded, fast, self.__globals__, self.__builtins__, None, self)


# The program sees the class of its functions as CPython's ``function`` type does.
SimFunction.__name__ = SimFunction.__qualname__ = "function"
SimFunction.__module__ = "builtins"
