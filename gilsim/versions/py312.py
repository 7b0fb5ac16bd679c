"""CPython 3.12 (``docs/model/gil.md`` §2.4; S312 ``Python/bytecodes.c``).

Check points: ``RESUME`` with a location below "after yield from" (a function's start, a
resumption after ``yield``); ``JUMP_BACKWARD``, the back edge of every loop (3.12 has no
backward conditional jumps); ``CALL`` and ``CALL_FUNCTION_EX`` after a callee that did not run
in the same eval loop returns.  The specialised calls ``CALL_NO_KW_LEN``,
``CALL_NO_KW_ISINSTANCE``, ``CALL_NO_KW_LIST_APPEND`` and ``CALL_NO_KW_TYPE_1`` do not check
(Mark Shannon left the cheap ones out, bpo-46709), which is why ``x = x + len(L)`` loses no
update in 3.12 (§2.6).

Costs: ns per instruction on the machine of ``docs/model/gil.md`` §8, starting from 3.11's
calibrated table (``gilsim.versions.py311``) for the instructions 3.12 kept.
"""

from __future__ import annotations

from gilsim.versions import Version
from gilsim.versions.py311 import COSTS_311

# 3.11's instructions that 3.12 dropped: ``CALL`` does ``PRECALL``'s work, and every
# conditional jump is a forward ``POP_JUMP_IF_*``.
GONE_IN_312 = frozenset(
    {
        "PRECALL",
        "POP_JUMP_FORWARD_IF_FALSE",
        "POP_JUMP_FORWARD_IF_TRUE",
        "POP_JUMP_BACKWARD_IF_FALSE",
        "POP_JUMP_BACKWARD_IF_TRUE",
    }
)

# 3.11's costs for the instructions 3.12 kept, and the new ones priced as their nearest
# 3.11 relatives (a fast local load, a constant return, a loop's end).  Three re-measured on
# 3.12.1 and 3.13.0, on the machine of ``benchmarks/README.md``, as the time a function of 25
# copies of ``x = a + b`` (``x = (a, b)``, ``x = [a, b]``) in a loop takes beyond 25 copies
# of ``x = a``, best of 40, several runs (the figure includes freeing the object ``x`` held):
# ``BINARY_OP`` on ints that make a new object 13-34 ns, on floats 25-49, on small ints (which
# are cached) 1-10; a pair's ``BUILD_TUPLE`` 35-58, ``BUILD_LIST`` 35-44.  With 3.11's 10, 15
# and 20, the kernels' simulated time came out at half their real time and less on 3.13.0
# (loops 0.49, containers 0.35; ``benchmarks/run.py``).
COSTS: dict[str, int] = {
    **{name: cost for name, cost in COSTS_311.items() if name not in GONE_IN_312},
    "BINARY_OP": 18,
    "BUILD_TUPLE": 30,
    "BUILD_LIST": 30,
    "LOAD_FAST_CHECK": 2,
    "LOAD_FAST_AND_CLEAR": 2,
    "RETURN_CONST": 8,
    "END_FOR": 2,
    "JUMP_BACKWARD_NO_INTERRUPT": 2,
    "POP_JUMP_IF_FALSE": 2,
    "POP_JUMP_IF_TRUE": 2,
    "POP_JUMP_IF_NONE": 2,
    "POP_JUMP_IF_NOT_NONE": 2,
}

# Binding ``*args`` and ``**kwargs`` (``initialize_locals``, ``Python/ceval.c``), measured
# as above on 3.12.1 and 3.13.0: ``g(a, b)`` with ``def g(*args, **kw)`` took 78-88 ns where
# ``f(a)`` with ``def f(a, b=2, c=3)`` took 22-30, and ``g(a, k=1)`` 120-124 against
# ``f(a, b=1)``'s 36-39.  A tuple and a dict: about 20 and 30 ns.
VARIADIC = {"varargs_ns": 20, "varkeywords_ns": 30}

VERSION = Version(
    name="3.12",
    costs=COSTS,
    unchecked_calls={"len": 1, "isinstance": 2, "type": 1, "list.append": 1},
    # ``Py_C_RECURSION_LIMIT`` (``Include/cpython/pystate.h``): a new thread's first frame
    # reads 1498 in ``c_recursion_remaining`` here, its entry into the eval loop taken.
    c_recursion_limit=1500,
    init_call_checks=True,
    **VARIADIC,
)
