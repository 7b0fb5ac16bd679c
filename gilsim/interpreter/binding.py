"""Binding call arguments to parameters, with CPython's exact semantics and error messages.

The common case (as many positional arguments as parameters) is a list copy, done by the
caller.  Every other case is handed to CPython itself: a *stub* function with the same
signature, defaults and qualified name, whose body only returns its parameters as a tuple.
Calling the stub natively performs CPython's own binding (``initialize_locals`` in
``Python/ceval.c``), so ``f() missing 1 required positional argument: 'x'`` and every other
message are the real ones, and the tuple is the new frame's locals.
"""

from __future__ import annotations

import types
from typing import Any

from gilsim.interpreter.decode import CO_VARARGS, CO_VARKEYWORDS

_stub_codes: dict[int, tuple[types.CodeType, types.CodeType]] = {}


def _parameter_names(code: types.CodeType) -> list[str]:
    count = code.co_argcount + code.co_kwonlyargcount
    count += bool(code.co_flags & CO_VARARGS) + bool(code.co_flags & CO_VARKEYWORDS)
    return list(code.co_varnames[:count])


def _stub_code(code: types.CodeType) -> types.CodeType:
    hit = _stub_codes.get(id(code))
    if hit is not None and hit[0] is code:
        return hit[1]
    names = _parameter_names(code)
    # Parameter names that are not identifiers (".0" of comprehensions) are renamed; such
    # code objects are only ever called positionally.
    safe = [name if name.isidentifier() else f"_gilsim_arg{i}" for i, name in enumerate(names)]
    params: list[str] = []
    for i, name in enumerate(safe[: code.co_argcount]):
        params.append(name)
        if i + 1 == code.co_posonlyargcount:
            params.append("/")
    if code.co_flags & CO_VARARGS:
        star = safe[code.co_argcount + code.co_kwonlyargcount]
        params.append("*" + star)
    elif code.co_kwonlyargcount:
        params.append("*")
    params.extend(safe[code.co_argcount : code.co_argcount + code.co_kwonlyargcount])
    if code.co_flags & CO_VARKEYWORDS:
        params.append("**" + safe[-1])
    body = ", ".join(safe)
    source = f"def stub({', '.join(params)}):\n    return ({body}{',' if safe else ''})\n"
    namespace: dict[str, Any] = {}
    exec(compile(source, code.co_filename, "exec"), namespace)
    stub = namespace["stub"].__code__.replace(co_name=code.co_name, co_qualname=code.co_qualname)
    _stub_codes[id(code)] = (code, stub)
    return stub


def stub_function(function: Any) -> types.FunctionType:
    """A native function with ``function``'s signature that returns its bound parameters.

    Kept on the function while its ``__defaults__`` and ``__kwdefaults__`` are the same
    objects (the stub shares them, so a change inside ``__kwdefaults__`` is seen too)."""
    cached = function.binding_stub
    if (
        cached is not None
        and cached.__defaults__ is function.__defaults__
        and cached.__kwdefaults__ is function.__kwdefaults__
        and cached.__qualname__ == function.__qualname__
    ):
        return cached
    stub = types.FunctionType(
        _stub_code(function.__code__),
        {},
        function.__name__,
        function.__defaults__,
    )
    stub.__kwdefaults__ = function.__kwdefaults__
    stub.__qualname__ = function.__qualname__
    function.binding_stub = stub
    return stub


def bind(function: Any, args: Any, kwargs: dict[str, Any] | None) -> list[Any]:
    """The parameters of ``function`` bound to ``args`` and ``kwargs``, in ``co_varnames``
    order; raises CPython's ``TypeError`` when they do not fit."""
    code = function.__code__
    if (
        not kwargs
        and code.co_argcount > len(args)
        and not (code.co_flags & (CO_VARARGS | CO_VARKEYWORDS) or code.co_kwonlyargcount)
    ):
        # Missing positional arguments filled from the defaults: common enough to do here.
        defaults = function.__defaults__ or ()
        needed = code.co_argcount - len(args)
        if needed <= len(defaults):
            return [*args, *defaults[len(defaults) - needed :]]
    stub = stub_function(function)
    if kwargs:
        return list(stub(*args, **kwargs))
    return list(stub(*args))
