"""Unary, binary and comparison operators, subscripts, and value formatting.

The operations themselves are CPython's: gilsim applies the ``operator`` module's functions to
the operands, so every result, coercion and error message is the real one, and a Python
``__add__`` on the operands' class is called back into the simulation.
"""

from __future__ import annotations

import dis
import operator
from typing import Any

from gilsim.interpreter.frame import Frame
from gilsim.interpreter.opcodes import handles

# BINARY_OP's argument indexes ``dis._nb_ops`` (``NB_ADD``, ...; ``Include/opcode.h``).
_BY_SYMBOL = {
    "+": operator.add,
    "&": operator.and_,
    "//": operator.floordiv,
    "<<": operator.lshift,
    "@": operator.matmul,
    "*": operator.mul,
    "%": operator.mod,
    "|": operator.or_,
    "**": operator.pow,
    ">>": operator.rshift,
    "-": operator.sub,
    "/": operator.truediv,
    "^": operator.xor,
    "+=": operator.iadd,
    "&=": operator.iand,
    "//=": operator.ifloordiv,
    "<<=": operator.ilshift,
    "@=": operator.imatmul,
    "*=": operator.imul,
    "%=": operator.imod,
    "|=": operator.ior,
    "**=": operator.ipow,
    ">>=": operator.irshift,
    "-=": operator.isub,
    "/=": operator.itruediv,
    "^=": operator.ixor,
}
BINARY_OPS = tuple(_BY_SYMBOL[symbol] for _name, symbol in dis._nb_ops)  # type: ignore[attr-defined]

# COMPARE_OP's argument indexes ``dis.cmp_op``.
COMPARE_OPS = (operator.lt, operator.le, operator.eq, operator.ne, operator.gt, operator.ge)


@handles
def BINARY_OP(frame: Frame, arg: int) -> None:
    stack = frame.stack
    right = stack.pop()
    stack[-1] = BINARY_OPS[arg](stack[-1], right)


@handles
def COMPARE_OP(frame: Frame, arg: int) -> None:
    stack = frame.stack
    right = stack.pop()
    stack[-1] = COMPARE_OPS[arg](stack[-1], right)


@handles
def IS_OP(frame: Frame, arg: int) -> None:
    stack = frame.stack
    right = stack.pop()
    stack[-1] = (stack[-1] is right) != bool(arg)


@handles
def CONTAINS_OP(frame: Frame, arg: int) -> None:
    stack = frame.stack
    container = stack.pop()
    stack[-1] = (stack[-1] in container) != bool(arg)


@handles
def UNARY_POSITIVE(frame: Frame, arg: Any) -> None:
    frame.stack[-1] = +frame.stack[-1]


@handles
def UNARY_NEGATIVE(frame: Frame, arg: Any) -> None:
    frame.stack[-1] = -frame.stack[-1]


@handles
def UNARY_NOT(frame: Frame, arg: Any) -> None:
    frame.stack[-1] = not frame.stack[-1]


@handles
def UNARY_INVERT(frame: Frame, arg: Any) -> None:
    frame.stack[-1] = ~frame.stack[-1]


@handles
def BINARY_SUBSCR(frame: Frame, arg: Any) -> None:
    stack = frame.stack
    key = stack.pop()
    stack[-1] = stack[-1][key]


@handles
def STORE_SUBSCR(frame: Frame, arg: Any) -> None:
    stack = frame.stack
    key = stack.pop()
    container = stack.pop()
    container[key] = stack.pop()


@handles
def DELETE_SUBSCR(frame: Frame, arg: Any) -> None:
    stack = frame.stack
    key = stack.pop()
    del stack.pop()[key]


# FORMAT_VALUE's low bits choose a conversion; bit 0x04 says a format spec is on the stack.
_CONVERSIONS = (None, str, repr, ascii)


@handles
def FORMAT_VALUE(frame: Frame, arg: int) -> None:
    stack = frame.stack
    spec = stack.pop() if arg & 0x04 else ""
    value = stack[-1]
    conversion = _CONVERSIONS[arg & 0x03]
    if conversion is not None:
        value = conversion(value)
    # CPython skips ``format`` for an exact str with an empty spec (``FORMAT_VALUE``).
    stack[-1] = value if type(value) is str and not spec else format(value, spec)


@handles
def BUILD_STRING(frame: Frame, arg: int) -> None:
    stack = frame.stack
    if arg:
        pieces = stack[-arg:]
        del stack[-arg:]
        stack.append("".join(pieces))
    else:
        stack.append("")
