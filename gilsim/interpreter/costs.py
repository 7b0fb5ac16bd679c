"""The cost model: virtual nanoseconds charged for each instruction and each native call.

Costs are data, kept apart from semantics so that a teacher can tune them without touching an
opcode.  ``COSTS_311`` is calibrated against CPython 3.11.7 on the 2-vCPU machine of
``docs/model/gil.md`` §8 with the kernels in ``benchmarks/kernels`` (see ``benchmarks/README.md``).
Native calls are charged by ``gilsim.versions.native`` (``native_call_cost``), which every
engine shares, with 3.11's flat rate for sorting.
"""

from __future__ import annotations

import functools

from gilsim.gil import KINDS
from gilsim.versions import FREE_THREADED_TAX_PERMILLE
from gilsim.versions.native import FLAT_SORT_NS_311, NATIVE_CALL_BASE_NS
from gilsim.versions.native import native_call_cost as _native_call_cost
from gilsim.versions.py311 import COSTS_311

# What a native call costs on 3.11's interpreter: a ``partial`` (no Python frame per call),
# with the sort rate its instruction costs were calibrated with.
native_call_cost = functools.partial(_native_call_cost, flat_sort_ns=FLAT_SORT_NS_311)

# ns per instruction, by opname (``gilsim.versions.py311``).

# PEP 703's free-threaded build (3.13t, ``--gil free-threaded``): the same instructions,
# each dearer by ``FREE_THREADED_TAX_PERMILLE`` (``gilsim.versions``), read by ``decode`` as
# "tax_permille" (not an opname).
FREE_THREADED_COSTS: dict[str, int] = {**COSTS_311, "tax_permille": FREE_THREADED_TAX_PERMILLE}

# The instruction costs by the tax a ``--gil`` kind declares (``GilKind.tax_permille``).
_TABLES = {0: COSTS_311, FREE_THREADED_TAX_PERMILLE: FREE_THREADED_COSTS}


def table_for(gil_kind: str) -> dict[str, int]:
    """The instruction costs of an interpreter under ``--gil gil_kind``: 3.11's, with the
    kind's tax."""
    return _TABLES[KINDS[gil_kind].tax_permille]


__all__ = [
    "COSTS_311",
    "FREE_THREADED_COSTS",
    "NATIVE_CALL_BASE_NS",
    "native_call_cost",
    "table_for",
]
