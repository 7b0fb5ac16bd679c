"""The cost model: virtual nanoseconds charged for each instruction and each native call.

Costs are data, kept apart from semantics so that a teacher can tune them without touching an
opcode.  ``COSTS_311`` is calibrated against CPython 3.11.7 on the 2-vCPU machine of
``spec/gil.md`` §8 with the kernels in ``benchmarks/kernels`` (see ``benchmarks/README.md``).
A native call is charged a base cost plus, for calls whose work grows with their input, a
cost per item of that input (``native_call_cost``).
"""

from __future__ import annotations

import builtins
import math
import types
from typing import Any

# ns per instruction, by opname; "default" for any opname not listed.
COSTS_311: dict[str, int] = {
    "default": 8,
    "NOP": 1,
    "EXTENDED_ARG": 0,
    "RESUME": 1,
    "PRECALL": 2,
    "CACHE": 0,
    "LOAD_FAST": 2,
    "STORE_FAST": 2,
    "LOAD_CONST": 2,
    "POP_TOP": 2,
    "PUSH_NULL": 1,
    "COPY": 2,
    "SWAP": 2,
    "KW_NAMES": 1,
    "LOAD_GLOBAL": 6,
    "LOAD_ATTR": 12,
    "STORE_ATTR": 14,
    "LOAD_METHOD": 12,
    "LOAD_DEREF": 3,
    "STORE_DEREF": 3,
    "BINARY_OP": 10,
    "COMPARE_OP": 8,
    "BINARY_SUBSCR": 10,
    "STORE_SUBSCR": 12,
    "JUMP_FORWARD": 1,
    "JUMP_BACKWARD": 2,
    "POP_JUMP_FORWARD_IF_FALSE": 2,
    "POP_JUMP_FORWARD_IF_TRUE": 2,
    "POP_JUMP_BACKWARD_IF_FALSE": 2,
    "POP_JUMP_BACKWARD_IF_TRUE": 2,
    "FOR_ITER": 6,
    "CALL": 30,
    "CALL_FUNCTION_EX": 60,
    "RETURN_VALUE": 8,
    "MAKE_FUNCTION": 40,
    "BUILD_LIST": 20,
    "BUILD_TUPLE": 15,
    "BUILD_MAP": 30,
    "YIELD_VALUE": 10,
    "RETURN_GENERATOR": 40,
    "IMPORT_NAME": 500,
}

# PEP 703's free-threaded build (3.13t, ``--gil free-threaded``): the same instructions,
# each dearer by its single-thread cost, in thousandths ("tax_permille", read by
# ``decode``; not an opname).  The PEP measured 6% on Intel Skylake and 5% on AMD Zen 3
# with one thread (pyperformance 1.0.6; 8% and 7% with several, where refcount and lock
# contention adds to it: ``spec/gil.md`` §5.3).  6%: the machine of §8 is an AMD EPYC of
# an unstated generation, so neither figure is its own, and 6% is the middle of the PEP's
# single-thread range; the extra of several threads is contention on shared objects,
# which would need the biased counts of every object (``gilsim.interpreter.biased`` keeps
# only the watched ones'), not a flat rate.
FREE_THREADED_TAX_PERMILLE = 60
FREE_THREADED_COSTS: dict[str, int] = {**COSTS_311, "tax_permille": FREE_THREADED_TAX_PERMILLE}

# The instruction costs of each ``--gil`` kind that has its own (the others: ``COSTS_311``).
_TABLES = {"free-threaded": FREE_THREADED_COSTS}


def table_for(gil_kind: str) -> dict[str, int]:
    """The instruction costs of an interpreter under ``--gil gil_kind``."""
    return _TABLES.get(gil_kind, COSTS_311)


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
