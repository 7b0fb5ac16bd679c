"""``gilsim dis``: a program's bytecode as ``dis`` shows it, with the places where CPython can
switch threads marked (``docs/model/gil.md`` §2, §4): on 3.12 and 3.13 the host version's (§2.4,
§2.5), and with ``--checkpoints 3.10`` or ``3.9`` the further ones of that version; on 3.11
that version's or, with ``--checkpoints``, 3.10's or 3.9's, on the same 3.11 bytecode.

A *check point* is where a thread polls ``eval_breaker`` and may hand the GIL over on a drop
request.  A *release* is a call that gives the GIL up while it blocks: known statically only
by the name of the callee, so it is marked as a likely release (``time.sleep``, a lock's
``acquire``, ``join``, a queue's ``get``...).
"""

from __future__ import annotations

import dis
import re
import sys
import types
from collections.abc import Iterator

from gilsim import versions
from gilsim.interpreter import checkpoints
from gilsim.tracer import checkpoints as tracer_checkpoints

CHECK = "<- check point"
RELEASE = "<- releases the GIL while it blocks"

# Names of callables that block with the GIL released (``docs/model/gil.md`` §4).
RELEASING_NAMES = frozenset(
    {
        "sleep",
        "acquire",
        "join",
        "wait",
        "wait_for",
        "get",
        "put",
        "read",
        "readline",
        "write",
        "recv",
        "recv_into",
        "send",
        "sendall",
        "accept",
        "connect",
        "result",
        "select",
        "input",
    }
)

# Callees that 3.11 specializes into calls without a check (``PRECALL_NO_KW_LEN``...).
NO_CHECK_NAMES = frozenset({"len", "isinstance", "append"})


def marks(code: types.CodeType, version: str = "3.11") -> dict[int, str]:
    """Offset -> mark, for the instructions of ``code`` (not of nested code objects), with
    the check points of ``version`` (``checkpoints.VERSIONS``, or the host's own)."""
    instructions = list(dis.get_instructions(code))
    if versions.traced():
        # The host's bytecode: its own check points, and those an older version adds
        # (``gilsim.tracer.checkpoints``).
        found = _host_marks(code, instructions, versions.host())
        if version in tracer_checkpoints.OLDER:
            for offset in tracer_checkpoints.checks_after(code, version):
                found.setdefault(offset, f"{CHECK} ({version}: before this instruction)")
        return found
    if version in versions.VERSIONS:
        return _host_marks(code, instructions, versions.VERSIONS[version])
    if version != "3.11":
        return _older_marks(code, instructions, version)
    callees = _callee_names(code, instructions)
    result: dict[int, str] = {}
    for ins in instructions:
        name = ins.opname
        if name == "RESUME" and ins.arg is not None and ins.arg < 2:
            result[ins.offset] = CHECK + (" (function entry)" if ins.arg == 0 else " (after yield)")
        elif name == "JUMP_BACKWARD" or name.startswith("POP_JUMP_BACKWARD_IF_"):
            result[ins.offset] = CHECK + (
                " (loop back edge)" if name == "JUMP_BACKWARD" else " (if taken)"
            )
        elif name in ("CALL", "CALL_FUNCTION_EX"):
            result[ins.offset] = _call_mark(callees.get(ins.offset), NO_CHECK_NAMES)
    return result


def _call_mark(callee: str | None, unchecked: frozenset[str]) -> str:
    """The mark of a call to ``callee`` (its name, if known): a likely release, no check
    (its specialised call has none), or the check after a call into C."""
    if callee in RELEASING_NAMES:
        return f"{RELEASE} ({callee}) and {CHECK}"
    if callee in unchecked:
        return f"no check: {callee}() is specialized without one"
    return CHECK + " (after the call, unless the callee is Python code)"


def _host_marks(
    code: types.CodeType, instructions: list[dis.Instruction], version: versions.Version
) -> dict[int, str]:
    """The marks of 3.12's or 3.13's check points (``gilsim.versions``): ``RESUME`` at a
    function's start or after ``yield``, ``JUMP_BACKWARD``, and the calls, after a callee
    that is not Python code returns, unless its specialisation does not check."""
    callees = _callee_names(code, instructions)
    unchecked = frozenset(name.rpartition(".")[2] for name in version.unchecked_calls)
    result: dict[int, str] = {}
    for ins in instructions:
        name = ins.opname
        if name == "RESUME" and ins.arg is not None:
            location = ins.arg & version.resume_location_mask
            if location < 2:
                where = " (function entry)" if location == 0 else " (after yield)"
                result[ins.offset] = CHECK + where
        elif name == "JUMP_BACKWARD":
            result[ins.offset] = CHECK + " (loop back edge)"
        elif name in ("CALL", "CALL_KW", "CALL_FUNCTION_EX"):
            result[ins.offset] = _call_mark(callees.get(ins.offset), unchecked)
    return result


def _older_marks(
    code: types.CodeType, instructions: list[dis.Instruction], version: str
) -> dict[int, str]:
    """The marks of 3.10's or 3.9's check points, as ``checkpoints.table`` places them."""
    callees = _callee_names(code, instructions)
    result: dict[int, str] = {}
    for index, ins in enumerate(instructions):
        name = ins.opname
        following = instructions[index + 1].opname if index + 1 < len(instructions) else None
        if name == "RESUME":
            if ins.arg is not None and ins.arg < 2:
                entry = " (function entry)" if ins.arg == 0 else " (after yield)"
                result[ins.offset] = CHECK + entry
            continue
        if name in ("RETURN_VALUE", "YIELD_VALUE") or following in checkpoints.NOT_BEFORE:
            continue  # checked, if at all, by the instruction the caller resumes at
        if name in checkpoints.CALLS:
            callee = callees.get(ins.offset)
            after = " (after the call returns)"
            if callee in RELEASING_NAMES:
                result[ins.offset] = f"{RELEASE} ({callee}) and {CHECK}{after}"
            else:
                result[ins.offset] = CHECK + after
        elif version == "3.10":
            if name == "JUMP_BACKWARD":
                result[ins.offset] = CHECK + " (loop back edge)"
            elif name.startswith("POP_JUMP_BACKWARD_IF_"):
                result[ins.offset] = CHECK + " (if taken)"
            elif name == "PUSH_EXC_INFO":
                result[ins.offset] = CHECK + " (entering a handler)"
        elif name in checkpoints.BOOL_JUMPS:
            result[ins.offset] = CHECK + " (unless the operand is True or False)"
        elif name not in checkpoints.FAST_DISPATCH:
            result[ins.offset] = CHECK + " (after it)"
    return result


def _callee_names(code: types.CodeType, instructions: list[dis.Instruction]) -> dict[int, str]:
    """For each ``CALL``, the name of the callable if a plain load pushed it: found by
    following the stack depth (``dis.stack_effect``) through the code's control flow."""
    depth_at = _stack_depths(code, instructions)
    pushed_by: dict[int, dis.Instruction] = {}  # depth -> the load that pushed it
    names: dict[int, str] = {}
    callee = None
    for ins in instructions:
        depth = depth_at.get(ins.offset)
        if depth is None:
            continue
        # What lay at or above this depth has been popped: a slot now holds what the last
        # push put there, or nothing known (the NULL of ``LOAD_GLOBAL NULL + f``).
        for stale in [position for position in pushed_by if position >= depth]:
            del pushed_by[stale]
        if ins.opname == "PRECALL" and ins.arg is not None:
            # The stack is [method, self, args...] or [NULL, callable, args...]; the CALL
            # that follows (after PRECALL has taken the arguments) makes the call.
            method = pushed_by.get(depth - ins.arg - 2)
            plain = pushed_by.get(depth - ins.arg - 1)
            loader = method if method is not None and method.opname == "LOAD_METHOD" else plain
            callee = loader.argval if loader is not None else None
        if _HOST_CALLS and ins.opname in ("CALL", "CALL_KW") and ins.arg is not None:
            # 3.12: [NULL, callable, args...] or [method, self, args...]; 3.13: [callable,
            # self or NULL, args...] (``CALL_KW`` has the names' tuple on top).
            top = depth - (1 if ins.opname == "CALL_KW" else 0)
            below = pushed_by.get(top - ins.arg - 2)
            above = pushed_by.get(top - ins.arg - 1)
            loader = below if below is not None and (_NULL_AFTER or _is_method(below)) else above
            callee = loader.argval if loader is not None else None
        if ins.opname in ("CALL", "CALL_KW") and isinstance(callee, str):
            names[ins.offset] = callee
        if ins.opname in _LOADS:
            position = depth  # where the loaded value sits on the stack
            if (
                ins.opname == "LOAD_GLOBAL"
                and ins.arg is not None
                and ins.arg & 1
                and not _NULL_AFTER
            ):
                position += 1  # after the NULL pushed first
            elif ins.opname in ("LOAD_ATTR", "LOAD_METHOD"):
                position -= 1  # in place of the object
            pushed_by[position] = ins
    return names


def _is_method(ins: dis.Instruction) -> bool:
    """A ``LOAD_ATTR`` that loads a method (3.12: the low bit of its argument)."""
    return ins.opname == "LOAD_ATTR" and ins.arg is not None and bool(ins.arg & 1)


# The host's calls have no ``PRECALL`` (3.12, 3.13), and from 3.13 a load pushes the NULL
# after the callable (``LOAD_GLOBAL (f + NULL)``), not before (3.12: ``NULL + f``).
_HOST_CALLS = sys.version_info >= (3, 12)
_NULL_AFTER = sys.version_info >= (3, 13)

_LOADS = frozenset(
    {"LOAD_GLOBAL", "LOAD_NAME", "LOAD_ATTR", "LOAD_METHOD", "LOAD_FAST", "LOAD_DEREF"}
)


def _stack_depths(code: types.CodeType, instructions: list[dis.Instruction]) -> dict[int, int]:
    by_offset = {ins.offset: i for i, ins in enumerate(instructions)}
    depths: dict[int, int] = {}
    work = [(0, 0)]
    for entry in _exception_entries(code):
        work.append((entry[0], entry[1]))
    while work:
        offset, depth = work.pop()
        while offset in by_offset and offset not in depths:
            depths[offset] = depth
            ins = instructions[by_offset[offset]]
            arg = None if ins.opcode < dis.HAVE_ARGUMENT else ins.arg
            if ins.opcode in dis.hasjrel or ins.opcode in dis.hasjabs:
                target = ins.argval
                work.append((target, depth + dis.stack_effect(ins.opcode, arg, jump=True)))
                if ins.opname in ("JUMP_FORWARD", "JUMP_BACKWARD", "JUMP_BACKWARD_NO_INTERRUPT"):
                    break
            if ins.opname in ("RETURN_VALUE", "RAISE_VARARGS", "RERAISE"):
                break
            depth += dis.stack_effect(ins.opcode, arg, jump=False)
            index = by_offset[offset] + 1
            if index >= len(instructions):
                break
            offset = instructions[index].offset
    return depths


def _exception_entries(code: types.CodeType) -> Iterator[tuple[int, int]]:
    """(handler offset, stack depth at the handler) from the exception table."""
    for entry in dis._parse_exception_table(code):  # type: ignore[attr-defined]
        yield entry.target, entry.depth + 1 + (1 if entry.lasti else 0)


# A line of ``dis`` output: the offset of its instruction (3.13 shows a label, ``L1:``, where
# older versions show ``>>``).
_LINE = re.compile(r"^\s*(?:\d+|--)?\s+(?:>>|L\d+:)?\s*(\d+) +[A-Z_]+")
# 3.13 shows no offsets unless asked.
_SHOW_OFFSETS = {"show_offsets": True} if sys.version_info >= (3, 13) else {}


def disassemble(code: types.CodeType, version: str | None = None) -> str:
    """The text of ``dis.dis(code)`` with the marks of ``version``'s check points, for
    ``code`` and every code object in it."""
    version = version or versions.default_checkpoints()
    out: list[str] = []
    for each in _all_code(code):
        if out:
            out.append("")
        out.append(
            f"Disassembly of {each.co_qualname} ({each.co_filename}, line {each.co_firstlineno}):"
        )
        found = marks(each, version)
        for line in dis.Bytecode(each, **_SHOW_OFFSETS).dis().splitlines():
            match = _LINE.match(line)
            mark = found.get(int(match.group(1))) if match else None
            out.append(f"{line:<60} {mark}" if mark else line)
    return "\n".join(out) + "\n"


def _all_code(code: types.CodeType) -> Iterator[types.CodeType]:
    yield code
    for const in code.co_consts:
        if isinstance(const, types.CodeType):
            yield from _all_code(const)
