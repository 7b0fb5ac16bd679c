"""The cost model: virtual nanoseconds charged for each instruction and each native call.

Costs are data, kept apart from semantics so that a teacher can tune them without touching an
opcode.  ``COSTS_311`` is calibrated against CPython 3.11.7 on the 2-vCPU machine of
``spec/gil.md`` §8 with the kernels in ``benchmarks/kernels`` (see ``benchmarks/README.md``).
A native call is charged a base cost plus, for calls whose work grows with their input, a
cost per item of that input.
"""

from __future__ import annotations

import builtins
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

NATIVE_CALL_BASE_NS = 30
NATIVE_CALL_PER_ITEM_NS = 8

# Calls whose work grows with the size of their first argument.
# Keyed by id: a callable need not be hashable.
_PER_ITEM = frozenset(
    id(getattr(builtins, name))
    for name in (
        "sum",
        "sorted",
        "min",
        "max",
        "list",
        "tuple",
        "set",
        "frozenset",
        "dict",
        "any",
        "all",
        "enumerate",
        "reversed",
    )
)


def native_call_cost(function: Any, args: list[Any]) -> int:
    """Virtual ns for calling native ``function`` with ``args``."""
    if args and id(function) in _PER_ITEM:
        first = args[0]
        if type(first) is range:
            return NATIVE_CALL_BASE_NS + NATIVE_CALL_PER_ITEM_NS * len(first)
        try:
            size = len(first)
        except TypeError:
            return NATIVE_CALL_BASE_NS
        return NATIVE_CALL_BASE_NS + NATIVE_CALL_PER_ITEM_NS * size
    return NATIVE_CALL_BASE_NS
