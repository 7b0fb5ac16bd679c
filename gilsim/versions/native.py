"""What a call into C costs: virtual nanoseconds for one call of a native function, by what
it is and what it is given.  Shared by every version gilsim runs (the figures were measured
on CPython 3.11.7, ``benchmarks/README.md``; the C functions measured did not change in 3.12
or 3.13).

A native call is charged a base cost plus, for calls whose work grows with their input, a
cost per item of that input (``native_call_cost``).  The call runs whole, holding the GIL,
however long it takes (``spec/gil.md`` §7 item 12).
"""

from __future__ import annotations

import builtins
import math
import types
from typing import Any

NATIVE_CALL_BASE_NS = 30

# Native calls whose work grows with their input: ns per item of the first argument, and per
# item when that argument is a ``range`` (which makes its items as it goes).  Measured on
# CPython 3.11.7 with ``timeit`` over 100,000 items on the machine of ``spec/gil.md`` §8
# (``sum(range(3 * 10**7))`` took 0.423 s there: 14 ns per item, §7 item 12).
# Keyed by id: a callable need not be hashable.
_PER_ITEM: dict[int, tuple[float, float]] = {
    id(getattr(builtins, name)): rates
    for name, rates in (
        ("sum", (3.7, 12.6)),
        ("min", (10.5, 12.0)),
        ("max", (10.5, 12.0)),
        ("list", (2.5, 16.0)),
        ("tuple", (2.5, 16.0)),
        ("set", (14.3, 20.0)),
        ("frozenset", (14.3, 20.0)),
        ("dict", (8.0, 8.0)),
        ("any", (4.0, 10.0)),
        ("all", (4.0, 10.0)),
        ("bytes", (1.0, 10.0)),
        ("bytearray", (1.0, 10.0)),
    )
}

# ``compile()`` of source text, per character: parsing, the symbol table and code generation
# took 48-130 ns per character (median 82) for five modules of the standard library of 4-25
# KB (best of 20 on CPython 3.11.7, the machine of ``benchmarks/README.md``).  A spawn or
# forkserver child pays it for the main module it runs again (``runpy.run_path``).
_PER_ITEM[id(builtins.compile)] = (82.0, 82.0)

# Sorting: ns per comparison, about n log2 n of them (timsort on unordered input).
_SORT_NS = 9.0
_SORTING = (_SORT_NS, _SORT_NS)
_PER_ITEM[id(builtins.sorted)] = _SORTING

# Methods of built-in types whose work grows with an input: (type of self, name) ->
# (which input, ns per item).  "self" is the object the method is bound to, "arg" its first
# argument, "sort" sorts self.
_METHODS: dict[tuple[type, str], tuple[str, float]] = {
    (str, "join"): ("arg", 6.0),
    (bytes, "join"): ("arg", 6.0),
    (list, "sort"): ("sort", _SORT_NS),
    (list, "extend"): ("arg", 2.2),
    (list, "index"): ("self", 7.2),
    (list, "count"): ("self", 7.2),
    (list, "copy"): ("self", 2.4),
    (list, "reverse"): ("self", 1.0),
    (tuple, "index"): ("self", 7.2),
    (tuple, "count"): ("self", 7.2),
    (set, "update"): ("arg", 14.0),
    (set, "union"): ("arg", 14.0),
    (set, "copy"): ("self", 10.0),
    (dict, "update"): ("arg", 8.0),
    (dict, "copy"): ("self", 8.0),
    (dict, "fromkeys"): ("arg", 30.0),
}

_METHOD_OWNERS = frozenset(owner for owner, _name in _METHODS)
_BuiltinMethodType = types.BuiltinMethodType


def common_case() -> tuple[dict[int, tuple[float, float]], frozenset[type]]:
    """What tells ``native_call_cost``'s common case (``NATIVE_CALL_BASE_NS`` alone) apart,
    for the tracer's C callbacks (``gilsim.tracer._ctracer``): a callable whose id is not in
    the first, and which is not a builtin method bound to an instance of a type in the
    second, costs the base."""
    return _PER_ITEM, _METHOD_OWNERS


def _size(value: Any) -> int | None:
    try:
        return len(value)
    except TypeError:
        return None


def native_call_cost(function: Any, args: list[Any]) -> int:
    """Virtual ns for calling native ``function`` with ``args``: a base cost, plus a cost
    per item of the input for calls whose work grows with it.  A call runs whole, holding
    the GIL, however long it takes (``spec/gil.md`` §7 item 12).

    Shaped for speed (it runs for every native call): most callables are in no table, and
    are told apart by one dict lookup and, for a builtin, the type of what it is bound to."""
    rates = _PER_ITEM.get(id(function))
    if rates is None:
        if type(function) is _BuiltinMethodType:
            owner = function.__self__
            if type(owner) in _METHOD_OWNERS:
                method = _METHODS.get((type(owner), function.__name__))
                if method is not None:
                    return NATIVE_CALL_BASE_NS + _method_cost(method, owner, args)
        return NATIVE_CALL_BASE_NS
    if not args:
        return NATIVE_CALL_BASE_NS
    first = args[0]
    size = _size(first)
    if size is None:
        return NATIVE_CALL_BASE_NS
    if rates is _SORTING:
        return NATIVE_CALL_BASE_NS + _sort_cost(size)
    rate = rates[1] if type(first) is range else rates[0]
    return NATIVE_CALL_BASE_NS + round(rate * size)


def _sort_cost(size: int) -> int:
    return round(_SORT_NS * size * max(1.0, math.log2(size))) if size > 1 else 0


def _method_cost(method: tuple[str, float], owner: Any, args: list[Any]) -> int:
    which, rate = method
    if which == "sort":
        size = _size(owner)
        return _sort_cost(size) if size else 0
    target = owner if which == "self" else (args[0] if args else None)
    size = _size(target) if target is not None else None
    return round(rate * size) if size else 0
