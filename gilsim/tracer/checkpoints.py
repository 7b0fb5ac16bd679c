"""Other versions' check points on the host's bytecode (``--checkpoints 3.9``, ``3.10``,
``3.11``... on 3.12 and 3.13): where that version's eval loop would poll ``eval_breaker``
(``docs/model/gil.md`` §2), put on the host's instructions, as ``gilsim.interpreter.checkpoints``
puts them on 3.11's.

The tracer takes the host's own check points at its events (``monitor``): ``RESUME`` at a
function's start or after a plain ``yield``, ``JUMP_BACKWARD``, and a call into C when it
returns, unless its specialised instruction has none.  Every version from 3.9 on checks at
those places too.  What the older ones add falls where the host raises no event, so it is
taken at single instructions (``INSTRUCTION`` events, ``gilsim.tracer.instructions``), by
``ExtraCheckPoints``: a check *after* an instruction is taken before whatever runs next in
the frame, its successors.

- **3.11, 3.12, 3.13**: the host's, but for a class whose ``__init__`` is a Python function:
  3.13 runs that ``__init__`` inline and does not check after the call
  (``CALL_ALLOC_AND_ENTER_INIT``, ``Version.init_call_checks``), the others do.  The tracer
  reads that from ``init_call_checks``; no instruction is watched.
- **3.10** (§2.2): a check after *every* call (3.10 has no check-free ``len`` or
  ``isinstance``, and its ``CALL_FUNCTION`` ends with ``CHECK_EVAL_BREAKER()`` after a
  Python callee too) and on entering an exception handler (``goto main_loop``, here after
  its ``PUSH_EXC_INFO``): the instructions after ``CALL``, ``CALL_KW``,
  ``CALL_FUNCTION_EX`` and ``PUSH_EXC_INFO``.
- **3.9** (§2.3): a check after every instruction that ends with ``DISPATCH()``, that is all
  but the ``FAST_DISPATCH()`` ones, with a conditional jump on an exact ``True`` or ``False``
  not checking; a ``YIELD_FROM`` (``SEND``) that passes a yielded value on does not check,
  one whose iterator returned does (its jump).

In both, the loop top does not check before ``SETUP_WITH``, ``BEFORE_ASYNC_WITH`` or
``YIELD_FROM``: the host's ``BEFORE_WITH``, ``BEFORE_ASYNC_WITH`` and ``SEND``.

Simplifications (``docs/host-interpreter.md``, "Differences from CPython"): the successors
are worked out from the bytecode, so an instruction reached by a fast jump (``JUMP_FORWARD``)
from elsewhere checks as if it followed its neighbour; and whether a conditional jump's
operand is exactly a bool is judged by what made it (a comparison, ``is``, ``in``, ``not``),
not by the value.
"""

from __future__ import annotations

import dis
import types
from typing import TYPE_CHECKING, Any

from gilsim.interpreter.checkpoints import FAST_DISPATCH, NOT_BEFORE

if TYPE_CHECKING:
    from gilsim.tracer.codeinfo import CodeInfo

# The versions whose check points ``ExtraCheckPoints`` adds to the host's.
OLDER = ("3.9", "3.10")

# 3.9's ``FAST_DISPATCH()`` instructions (``gilsim.interpreter.checkpoints``), and the host's
# instructions that are one of them or a part of one 3.9 instruction: the fast loads and
# stores, ``POP_JUMP_IF_NONE`` (3.9's ``IS_OP`` and a jump on an exact bool), ``END_FOR``
# and ``END_SEND`` (pops), ``TO_BOOL`` (a conditional jump's truth test: the jump decides),
# ``CONVERT_VALUE`` and ``SET_FUNCTION_ATTRIBUTE`` (parts of ``FORMAT_VALUE`` and
# ``MAKE_FUNCTION``).  ``JUMP_BACKWARD`` checks, but the host checks it itself.
FAST_HOST = FAST_DISPATCH | {
    "LOAD_FAST_CHECK",
    "LOAD_FAST_AND_CLEAR",
    "LOAD_FAST_LOAD_FAST",
    "STORE_FAST_LOAD_FAST",
    "STORE_FAST_STORE_FAST",
    "POP_JUMP_IF_NONE",
    "POP_JUMP_IF_NOT_NONE",
    "END_FOR",
    "END_SEND",
    "TO_BOOL",
    "CONVERT_VALUE",
    "SET_FUNCTION_ATTRIBUTE",
    "JUMP_BACKWARD",
}
CALLS = frozenset({"CALL", "CALL_KW", "CALL_FUNCTION_EX"})
BOOL_JUMPS = frozenset({"POP_JUMP_IF_TRUE", "POP_JUMP_IF_FALSE"})
# What leaves an exact bool for a conditional jump (3.9 does not check on it).
BOOL_MAKERS = frozenset({"COMPARE_OP", "IS_OP", "CONTAINS_OP", "UNARY_NOT"})
# Instructions after which the frame never goes on to the next one.
NO_FALLTHROUGH = frozenset(
    {
        "RETURN_VALUE",
        "RETURN_CONST",
        "YIELD_VALUE",  # the frame resumes at its ``RESUME``, checked by the host's rule
        "RAISE_VARARGS",
        "RERAISE",
        "JUMP_FORWARD",
        "JUMP_BACKWARD",
        "JUMP_BACKWARD_NO_INTERRUPT",
    }
)


class ExtraCheckPoints:
    """An ``InstructionWatcher`` that polls ``eval_breaker`` where ``version`` (3.9 or
    3.10) checks and the host does not."""

    def __init__(self, interp: Any, version: str) -> None:
        self.interp = interp
        self.version = version
        # The offsets of each code object seen (by id; the code is kept with them).
        self._offsets: dict[int, tuple[types.CodeType, frozenset[int]]] = {}

    def offsets(self, info: CodeInfo) -> frozenset[int]:
        offsets = checks_after(info.code, self.version)
        self._offsets[id(info.code)] = (info.code, offsets)
        return offsets

    def before(self, ts: Any, frame: types.FrameType, offset: int) -> None:
        interp = self.interp
        if interp.eval_breaker:
            seen = self._offsets.get(id(frame.f_code))
            if seen is not None and offset in seen[1]:  # not another watcher's
                interp.tracer.check_point(ts)


def checks_after(code: types.CodeType, version: str) -> frozenset[int]:
    """The offsets of ``code``'s instructions before which ``version`` checks, beyond the
    host's own check points."""
    instructions = [i for i in dis.get_instructions(code) if i.opname != "CACHE"]
    at = {ins.offset: index for index, ins in enumerate(instructions)}
    found: set[int] = set()

    def after(index: int) -> None:
        """A check before instruction ``index``, unless the loop top skips it there."""
        if index < len(instructions) and instructions[index].opname not in NOT_BEFORE:
            found.add(instructions[index].offset)

    for index, ins in enumerate(instructions):
        name = ins.opname
        if version == "3.10":
            if name in CALLS or name == "PUSH_EXC_INFO":
                after(index + 1)
            continue
        if name in FAST_HOST:
            continue
        if name in BOOL_JUMPS and index and instructions[index - 1].opname in BOOL_MAKERS:
            continue
        if name != "SEND" and name not in NO_FALLTHROUGH:
            after(index + 1)
        target = _target(ins)
        if target is not None and target in at:
            landing = at[target]
            after(landing)
            # An exhausted ``FOR_ITER`` under monitoring goes on past its ``END_FOR`` (and
            # 3.13's ``POP_TOP`` after it): check there too.
            if landing < len(instructions) and instructions[landing].opname == "END_FOR":
                landing += 1
                after(landing)
                if landing < len(instructions) and instructions[landing].opname == "POP_TOP":
                    after(landing + 1)
    return frozenset(found)


def _target(ins: dis.Instruction) -> int | None:
    """Where jump ``ins`` goes, if it is one."""
    target = getattr(ins, "jump_target", None)  # 3.13
    if target is None and ins.opcode in dis.hasjrel + dis.hasjabs:
        target = ins.argval
    return target if isinstance(target, int) else None


def init_call_checks(version: str) -> bool:
    """Whether ``version`` checks after a call of a class whose ``__init__`` is a Python
    function: every version but 3.13, which runs the ``__init__`` inline."""
    return version != "3.13"
