"""Decoding a code object once into the form the eval loop runs.

``dis`` does the decoding (principle: real bytecode, as ``dis`` shows it): each instruction
becomes an ``(handler, arg)`` pair, where ``arg`` is already resolved to what the handler
needs (the constant itself, a name, the index of a jump target), so the hot loop never
consults the code object.  Instructions are numbered densely (CACHE entries dropped); jump
targets and the exception table are translated from byte offsets to these numbers.

CPython keeps the same information in ``_PyCode_CODE(co)`` plus ``co_exceptiontable``
(``Objects/codeobject.c``); the exception table format is described in
``Objects/exception_handling_notes.txt``.
"""

from __future__ import annotations

import dis
import sys
import types
from collections.abc import Callable
from typing import Any

import attrs

from gilsim.errors import UnsupportedError

# The arguments of these opcodes are jump targets; ``dis`` gives them as absolute offsets.
_JUMPS = frozenset(dis.opname[op] for op in dis.hasjrel + dis.hasjabs)

CO_OPTIMIZED = 0x0001
CO_NEWLOCALS = 0x0002
CO_VARARGS = 0x0004
CO_VARKEYWORDS = 0x0008
CO_GENERATOR = 0x0020
CO_COROUTINE = 0x0080
CO_ITERABLE_COROUTINE = 0x0100
CO_ASYNC_GENERATOR = 0x0200


# Opcodes that can neither run Python code (no dunder, no callback) nor read or advance the
# clock: the eval loop need not hand them the up-to-date clock.  Chosen for speed.
PURE = frozenset(
    {
        "NOP",
        "EXTENDED_ARG",
        "RESUME",
        "PRECALL",
        "KW_NAMES",
        "LOAD_FAST",
        "STORE_FAST",
        "LOAD_CONST",
        "PUSH_NULL",
        "COPY",
        "SWAP",
        "LOAD_GLOBAL",
        "LOAD_CLOSURE",
        "LOAD_DEREF",
        "MAKE_CELL",
        "COPY_FREE_VARS",
        "JUMP_FORWARD",
        "JUMP_BACKWARD",
        "JUMP_BACKWARD_NO_INTERRUPT",
        "POP_JUMP_FORWARD_IF_NONE",
        "POP_JUMP_FORWARD_IF_NOT_NONE",
        "POP_JUMP_BACKWARD_IF_NONE",
        "POP_JUMP_BACKWARD_IF_NOT_NONE",
        "BUILD_TUPLE",
        "BUILD_LIST",
        "BUILD_SLICE",
        "LIST_APPEND",
        "IS_OP",
        "LOAD_ASSERTION_ERROR",
        "PUSH_EXC_INFO",
        "POP_EXCEPT",
        "MAKE_FUNCTION",
    }
)


@attrs.frozen
class HandlerEntry:
    """One row of a code object's exception table, in instruction numbers.

    Instructions ``start <= i < end`` that raise jump to ``target`` with the value stack cut
    to ``depth`` items; if ``lasti`` is set, the offset of the raising instruction is pushed
    first (``RERAISE`` uses it to restore ``f_lasti``).
    """

    start: int
    end: int
    target: int
    depth: int
    lasti: bool


@attrs.define(eq=False)
class DecodedCode:
    """A code object in executable form; shared by every frame running that code."""

    code: types.CodeType
    # What makes two decodings interchangeable: the code (by content), its file and the
    # handler of each instruction (``blocks`` reuses compiled blocks by it).
    key: Any
    instructions: list[tuple[Callable[..., Any], Any, int, bool]]
    opnames: list[str]
    offsets: list[int]
    handlers: list[HandlerEntry]
    nlocalsplus: int
    localsplus_names: tuple[str, ...]
    cell_slots: frozenset[int]
    # Compiled basic blocks by starting instruction (``gilsim.interpreter.blocks``), how
    # often each instruction started a dispatch before its block was compiled, and where
    # blocks must start.
    blocks: list[Any] = attrs.field(factory=list)
    heat: list[int] = attrs.field(factory=list)
    leaders: frozenset[int] | None = None
    # References each instruction leaves pushed, for a fork child's copy-on-write
    # (``gilsim.processes.pages``), worked out on first use there.
    pushes: list[int] = attrs.field(factory=list)

    def __attrs_post_init__(self) -> None:
        self.blocks = [None] * len(self.instructions)
        self.heat = [0] * len(self.instructions)

    @property
    def flags(self) -> int:
        return self.code.co_flags

    def handler_for(self, index: int) -> HandlerEntry | None:
        """The innermost exception handler covering instruction ``index``, if any.

        The table is ordered so that the first matching entry is the innermost one
        (``Objects/exception_handling_notes.txt``)."""
        for entry in self.handlers:
            if entry.start <= index < entry.end:
                return entry
        return None

    def position(self, index: int) -> tuple[int | None, int | None, int | None, int | None]:
        """(line, end line, column, end column) of instruction ``index``, as
        ``co_positions()`` gives them."""
        return _positions(self.code)[self.offsets[index] // 2]

    def line(self, index: int) -> int | None:
        return self.position(index)[0]


_position_cache: dict[int, tuple[types.CodeType, list[Any]]] = {}
_POSITIONS_MAX = 20_000


def _positions(code: types.CodeType) -> list[Any]:
    hit = _position_cache.get(id(code))
    if hit is None or hit[0] is not code:
        if len(_position_cache) >= _POSITIONS_MAX:
            _position_cache.clear()  # each run compiles its program anew: bound the table
        hit = (code, list(code.co_positions()))
        _position_cache[id(code)] = hit
    return hit[1]


def localsplus_names(code: types.CodeType) -> tuple[str, ...]:
    """Names of the "fast locals plus" array: locals (arguments first), then cell variables
    that are not arguments, then free variables (``Objects/codeobject.c``,
    ``_PyCode_InitLocalsPlus`` ordering in 3.11)."""
    varnames = code.co_varnames
    cells = tuple(name for name in code.co_cellvars if name not in varnames)
    return varnames + cells + code.co_freevars


# Decodings already made, by code object, file name and the identity of the table and the
# costs, with the table and costs kept to tell a reused ``id`` apart.  Everything but a
# decoding's blocks and heat is the same for every interpreter, and decoding the code of
# ``threading`` and its imports was half of a short threaded run (exploration runs one program
# hundreds of times in one process).
_decoded: dict[tuple[types.CodeType, str, int, int], tuple[Any, Any, DecodedCode]] = {}
_DECODED_MAX = 20_000


def decode(
    code: types.CodeType,
    table: dict[str, Callable[..., Any]],
    costs: dict[str, int],
) -> DecodedCode:
    """Decode ``code`` with the handler ``table`` and ``costs`` of the simulated version: a
    fresh ``DecodedCode`` (its own blocks and heat) sharing what an earlier decoding of the
    same code with the same table and costs made."""
    key = (code, code.co_filename, id(table), id(costs))
    hit = _decoded.get(key)
    if hit is None or hit[0] is not table or hit[1] is not costs:
        if len(_decoded) >= _DECODED_MAX:
            _decoded.clear()
        hit = _decoded[key] = (table, costs, _decode(code, table, costs))
    made = hit[2]
    return attrs.evolve(made, blocks=[], heat=[], leaders=made.leaders)


class _Tax:
    """A cost table's ``tax_permille`` (``costs.FREE_THREADED_COSTS``) on integer costs:
    each instruction is charged the rounded taxed sum of the costs so far less what the
    ones before were charged, so that a run of instructions costs its exact taxed sum to
    within half a nanosecond (taxing a 2 ns instruction alone by 6% would round it away).
    The sum restarts at every jump target, so that each pass of a loop body is charged
    the same."""

    def __init__(self, permille: int) -> None:
        self.permille = permille
        self.raw = 0  # ns, untaxed, since the last jump target
        self.charged = 0  # ns charged for them

    def cost(self, cost: int, jump_target: bool) -> int:
        if jump_target:
            self.raw = self.charged = 0
        self.raw += cost
        total = (self.raw * (1000 + self.permille) + 500) // 1000
        charged, self.charged = total - self.charged, total
        return charged


def _decode(
    code: types.CodeType,
    table: dict[str, Callable[..., Any]],
    costs: dict[str, int],
) -> DecodedCode:
    raw = _instructions(code)
    index_of = {ins.offset: i for i, ins in enumerate(raw)}
    # Targets may fall on the instruction after the last one only in degenerate code;
    # map the end of the code too so that a jump there fails loudly in the handler.
    index_of[len(code.co_code)] = len(raw)
    instructions: list[tuple[Callable[..., Any], Any, int, bool]] = []
    taxed = _Tax(costs.get("tax_permille", 0))
    for ins in raw:
        handler = None
        if ins.opcode in dis.hasname:
            handler = table.get((ins.opname, ins.argval))  # type: ignore[call-overload]
        if handler is None:
            handler = table.get(ins.opname)
        if handler is None:
            line = _line_of(code, ins.offset)
            raise UnsupportedError(
                f"{code.co_filename}, line {line}: opcode {ins.opname} is not supported by "
                f"gilsim on Python {sys.version_info.major}.{sys.version_info.minor}"
            )
        cost = costs.get(ins.opname, costs["default"])
        if taxed.permille:
            cost = taxed.cost(cost, ins.is_jump_target)
        pure = ins.opname in PURE
        instructions.append((handler, _resolve_arg(ins, index_of, code), cost, pure))
    names = localsplus_names(code)
    cells = frozenset(i for i, name in enumerate(names) if name in code.co_cellvars)
    return DecodedCode(
        code=code,
        # With the costs: a compiled block is shared by every decoding of the same key.
        key=(code, code.co_filename, tuple(entry[0] for entry in instructions), id(costs)),
        instructions=instructions,
        opnames=[ins.opname for ins in raw],
        offsets=[ins.offset for ins in raw],
        handlers=[
            HandlerEntry(index_of[e.start], index_of[e.end], index_of[e.target], e.depth, e.lasti)
            for e in dis._parse_exception_table(code)  # type: ignore[attr-defined]
        ],
        nlocalsplus=len(names),
        localsplus_names=names,
        cell_slots=cells,
    )


def _instructions(code: types.CodeType) -> list[dis.Instruction]:
    return list(dis.get_instructions(code))


def _line_of(code: types.CodeType, offset: int) -> int | None:
    return _positions(code)[offset // 2][0]


def _resolve_arg(ins: dis.Instruction, index_of: dict[int, int], code: types.CodeType) -> Any:
    """What the handler of ``ins`` receives as its argument."""
    name = ins.opname
    arg = ins.arg or 0
    if name in _JUMPS:
        return index_of[ins.argval]
    if name == "LOAD_GLOBAL":
        return (ins.argval, bool(arg & 1))  # (name, push NULL first)
    if name in ("LOAD_CONST", "KW_NAMES"):
        # dis resolves the constant of LOAD_CONST only.
        return code.co_consts[arg]
    if ins.opcode in dis.hasname:
        return ins.argval
    return ins.arg
