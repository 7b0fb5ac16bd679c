"""CPython 3.11's instruction costs, which gilsim's own bytecode interpreter charges
(``gilsim.interpreter.costs``): ns per instruction on the machine of ``docs/model/gil.md`` §8,
calibrated with the kernels in ``benchmarks/kernels`` (``benchmarks/README.md``).  3.11's
check points are in that interpreter's handlers (``gilsim.interpreter.checkpoints``).
3.12 and 3.13 start from this table for the instructions they kept.
"""

from __future__ import annotations

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
