"""CPython 3.13 (``docs/model/gil.md`` §2.5; S313 ``Python/bytecodes.c``).

Check points: as in 3.12, with the check of ``JUMP_BACKWARD`` made before the jump (the same
observable place) and the check after a call a micro-op of its own, ``_CHECK_PERIODIC``,
present in the generic ``CALL``, ``CALL_KW``, ``CALL_FUNCTION_EX`` and the specialisations of
calls into C, and absent from ``CALL_LEN``, ``CALL_ISINSTANCE``, ``CALL_LIST_APPEND`` and
``CALL_TYPE_1``.  A class whose ``__init__`` is a Python function is called by
``CALL_ALLOC_AND_ENTER_INIT``, which runs ``__init__`` in the same eval loop: no check after
the call, only at ``__init__``'s ``RESUME``.

Costs: ns per instruction on the machine of ``docs/model/gil.md`` §8: 3.12's, with the
instructions 3.13 added (superinstructions of two fast loads and stores, ``TO_BOOL``,
``CALL_KW``, the split ``FORMAT_*``), checked with ``benchmarks/run.py`` on 3.13.0.
"""

from __future__ import annotations

from gilsim.versions import Version
from gilsim.versions.py312 import COSTS as COSTS_312
from gilsim.versions.py312 import VARIADIC

COSTS: dict[str, int] = {
    **COSTS_312,
    "LOAD_FAST_LOAD_FAST": 3,
    "STORE_FAST_LOAD_FAST": 3,
    "STORE_FAST_STORE_FAST": 3,
    "TO_BOOL": 2,
    "CALL_KW": 35,
    "SET_FUNCTION_ATTRIBUTE": 2,
    "CONVERT_VALUE": 8,
    "FORMAT_SIMPLE": 8,
    "FORMAT_WITH_SPEC": 10,
}
del COSTS["KW_NAMES"]

VERSION = Version(
    name="3.13",
    costs=COSTS,
    unchecked_calls={"len": 1, "isinstance": 2, "type": 1, "list.append": 1},
    # ``Py_C_RECURSION_LIMIT`` (``Include/cpython/pystate.h``): a new thread's first frame
    # reads 9998 in ``c_recursion_remaining`` here, its entry into the eval loop taken.
    c_recursion_limit=10000,
    init_call_checks=False,
    **VARIADIC,
)
