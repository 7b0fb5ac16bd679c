"""What a call into C costs: virtual nanoseconds for one call of a native function, by what
it is and what it is given.  Shared by every version gilsim runs (the figures were measured
on CPython 3.11.7, ``benchmarks/README.md``; the C functions measured did not change in 3.12
or 3.13).

A native call is charged a base cost plus, for calls whose work grows with their input, a
cost per item of that input (``native_call_cost``).  The call runs whole, holding the GIL,
however long it takes (``docs/model/gil.md`` §7 item 12).
"""

from __future__ import annotations

import builtins
import math
import types
from typing import Any

NATIVE_CALL_BASE_NS = 30

# Native calls whose work grows with their input: ns per item of the first argument, and per
# item when that argument is a ``range`` (which makes its items as it goes).  Measured on
# CPython 3.11.7 with ``timeit`` over 100,000 items on the machine of ``docs/model/gil.md`` §8
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

# Sorting: ns per comparison, about n log2 n of them (timsort on unordered input), by what
# is compared.  ``list.sort`` looks at the keys before it sorts and, where all have one type,
# compares them with a function made for it (``unsafe_long_compare``, ``unsafe_float_compare``,
# ``unsafe_latin_compare``, ``unsafe_tuple_compare``; ``Objects/listobject.c``, since 3.7);
# anything else goes through ``PyObject_RichCompare``.  Measured with ``list.sort`` of 500
# shuffled items, best of 300, on CPython 3.11.7, 3.12.1 and 3.13.0 on the machine of
# ``benchmarks/README.md`` (ns per n log2 n, the three versions): ints 5.6/3.3/5.0, floats
# 4.0/3.1/4.5, strings of digits 10.0/6.5/11.1, pairs of ints 31/23/38, ints and floats mixed
# 19/21/22.  A comparison that runs Python code (``__lt__``) is charged as that code too.
# The first item stands for all (CPython checks every one); with a ``key`` function, the
# items stand for the keys, which a native call does not show.
_SORT_NS: dict[type, float] = {int: 5.0, float: 4.0, bool: 5.0, str: 10.0, tuple: 30.0}
_SORT_OTHER_NS = 20.0
# 3.11's interpreter keeps the one rate its cost table was calibrated with (9 ns per
# comparison, whatever is compared) until it is retired: ``gilsim.interpreter.costs``.
FLAT_SORT_NS_311 = 9.0
_UNORDERED = frozenset({dict, set, frozenset})
_SORTING = (0.0, 0.0)
_PER_ITEM[id(builtins.sorted)] = _SORTING

# A Python function called from C (a ``key`` function, ``map``'s function, a class's
# ``__init__`` on 3.12, a generator resumed by ``sum``): entering the eval loop from C
# (``_PyFunction_Vectorcall``, ``_PyEval_Vector``) costs this much more than the callee's own
# instructions.  ``list(map(f, L))`` with ``f = lambda v: v`` took 26-28 ns an item more than
# ``list(map(abs, L))`` on CPython 3.11.7, 3.12.1 and 3.13.0 (500 items, best of 7), of which
# ``f``'s three instructions are charged 11 and ``abs`` about 5: the rest, rounded.
PYTHON_FROM_C_NS = 20

# Methods of built-in types whose work grows with an input: (type of self, name) ->
# (which input, ns per item).  "self" is the object the method is bound to, "arg" its first
# argument, "sort" sorts self.
_METHODS: dict[tuple[type, str], tuple[str, float]] = {
    (str, "join"): ("arg", 6.0),
    (bytes, "join"): ("arg", 6.0),
    (list, "sort"): ("sort", 0.0),
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
_MethodDescriptorType = types.MethodDescriptorType


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


def native_call_cost(
    function: Any, args: list[Any], ran_python: bool = False, flat_sort_ns: float = 0.0
) -> int:
    """Virtual ns for calling native ``function`` with ``args``: a base cost, plus a cost
    per item of the input for calls whose work grows with it.  ``ran_python``: the call ran
    Python code of the program's (a ``key`` function, say).  ``flat_sort_ns``, if not 0:
    every comparison of a sort costs that much (3.11's interpreter).  A call runs whole, holding
    the GIL, however long it takes (``docs/model/gil.md`` §7 item 12).

    Shaped for speed (it runs for every native call): most callables are in no table, and
    are told apart by one dict lookup and, for a builtin, the type of what it is bound to."""
    rates = _PER_ITEM.get(id(function))
    if rates is None:
        kind = type(function)
        if kind is _BuiltinMethodType:
            owner = function.__self__
        elif kind is _MethodDescriptorType and args:
            # ``list.sort(L)``, and every method call on 3.12 and 3.13: ``sys.monitoring``
            # shows the method's descriptor and ``self`` as its first argument (and no
            # other argument).
            owner, args = args[0], args[1:]
        else:
            return NATIVE_CALL_BASE_NS
        if type(owner) in _METHOD_OWNERS:
            method = _METHODS.get((type(owner), function.__name__))
            if method is not None:
                return NATIVE_CALL_BASE_NS + _method_cost(
                    method, owner, args, ran_python, flat_sort_ns
                )
        return NATIVE_CALL_BASE_NS
    if not args:
        return NATIVE_CALL_BASE_NS
    first = args[0]
    size = _size(first)
    if size is None:
        return NATIVE_CALL_BASE_NS
    if rates is _SORTING:
        return NATIVE_CALL_BASE_NS + _sort_cost(first, size, ran_python, flat_sort_ns)
    rate = rates[1] if type(first) is range else rates[0]
    return NATIVE_CALL_BASE_NS + round(rate * size)


def _sort_cost(items: Any, size: int, ran_python: bool, flat_sort_ns: float) -> int:
    if size < 2:
        return 0
    if flat_sort_ns:
        return round(flat_sort_ns * size * max(1.0, math.log2(size)))
    # Only the built-in containers are looked into: iterating anything else could run the
    # program's own code.  A sort that ran Python code had a ``key`` function (or items
    # whose comparison is Python code): what it compared is not what it was given.
    kind = type(items)
    if ran_python:
        rate = _SORT_OTHER_NS
    elif kind is list or kind is tuple:
        rate = _SORT_NS.get(type(items[0]), _SORT_OTHER_NS)
    elif kind in _UNORDERED:
        rate = _SORT_NS.get(type(next(iter(items))), _SORT_OTHER_NS)
    elif kind is str:
        rate = _SORT_NS[str]
    else:
        rate = _SORT_OTHER_NS
    return round(rate * size * max(1.0, math.log2(size)))


def _method_cost(
    method: tuple[str, float], owner: Any, args: list[Any], ran_python: bool, flat_sort_ns: float
) -> int:
    which, rate = method
    if which == "sort":
        size = _size(owner)
        return _sort_cost(owner, size, ran_python, flat_sort_ns) if size else 0
    target = owner if which == "self" else (args[0] if args else None)
    size = _size(target) if target is not None else None
    return round(rate * size) if size else 0
