"""The value stack of a running frame, for the modes that must see an instruction's operands
(race recording: the object of ``self.x = v``, the container and key of ``d[k] = v``).

Python shows a frame's locals but not its value stack.  CPython keeps both in one array of
the frame, ``_PyInterpreterFrame.localsplus`` (``Include/internal/pycore_frame.h``): the
``co_nlocalsplus`` locals, cells and free variables first, then the stack.  Between two
instructions the eval loop keeps the stack in that array (the generated cases of
``Python/generated_cases.c.h`` write each result back before the next instruction starts),
but the stack pointer stays in a C local of ``_PyEval_EvalFrameDefault``: the frame's own
``stacktop`` reads ``-1`` while the frame runs.

The depth is known without it: the compiler gives every instruction one stack depth, whatever
path reaches it (``Python/flowgraph.c``, ``stackdepth``), and ``dis.stack_effect`` tells each
instruction's effect on it.  ``depths`` walks the code's instructions as the compiler does,
jumps and exception handlers included, and the slot of the *n*-th item from the top before
the instruction at ``offset`` is ``localsplus[nlocalsplus + depth - 1 - n]``.

Reading a slot the analysis got wrong would read a dead object, so ``StackReader`` trusts the
layout only once it has checked it (``check``, in a probe function whose stack it knows), and
``depths`` gives up (returns None) for a code object whose depths do not agree with the
compiler's ``co_stacksize``.

Layout, 64-bit builds of 3.12 and 3.13 alike: ``PyFrameObject.f_frame`` follows
``PyObject_HEAD`` and ``f_back`` (byte 24); ``localsplus`` follows seven pointers,
``prev_instr``/``instr_ptr``, ``stacktop``, ``return_offset`` and ``owner`` (byte 72).
"""

from __future__ import annotations

import ctypes
import dis
import sys
import types
from typing import Any

from gilsim.errors import InternalError

# Byte offsets in ``PyFrameObject`` and ``_PyInterpreterFrame``, by version (64-bit builds).
FRAME_LAYOUTS = {(3, 12): (24, 72), (3, 13): (24, 72)}
_POINTER = 8

# Marks an empty slot (``NULL``): the ``NULL`` a method call pushes under its callable.
NULL: Any = type("NULL", (), {"__repr__": lambda self: "NULL"})()

# Instructions after which the next one does not run (no fall-through).
_NO_FALLTHROUGH = frozenset(
    dis.opmap[name]
    for name in (
        "JUMP_FORWARD",
        "JUMP_BACKWARD",
        "JUMP_BACKWARD_NO_INTERRUPT",
        "RETURN_VALUE",
        "RETURN_CONST",
        "RAISE_VARARGS",
        "RERAISE",
    )
)
_RETURN_GENERATOR = dis.opmap["RETURN_GENERATOR"]
_JUMPS = frozenset(getattr(dis, "hasjump", ())) | frozenset(dis.hasjrel) | frozenset(dis.hasjabs)


def nlocalsplus(code: types.CodeType) -> int:
    """``co_nlocalsplus``: the locals, then the cells that are not arguments (an argument
    that is a cell has one slot, listed in both), then the free variables."""
    names = code.co_varnames
    cells = sum(1 for name in code.co_cellvars if name not in names)
    return len(names) + cells + len(code.co_freevars)


def depths(code: types.CodeType) -> dict[int, int] | None:
    """The stack depth before each instruction of ``code`` (by byte offset) that some path
    reaches, as the compiler reckons it; None if the walk does not agree with the compiler
    (a depth beyond ``co_stacksize``, two depths at one instruction)."""
    instructions = list(dis.get_instructions(code))
    index = {ins.offset: n for n, ins in enumerate(instructions)}
    found: dict[int, int] = {}
    todo: list[tuple[int, int]] = [(0, 0)]
    for entry in dis.Bytecode(code).exception_entries:  # type: ignore[attr-defined]
        # A handler starts with the stack cut to ``depth``, the offset of the instruction
        # that raised (``lasti``) if asked for, and the exception (``get_exception_handler``
        # in ``Python/ceval.c``).
        todo.append((entry.target, entry.depth + int(entry.lasti) + 1))
    limit = code.co_stacksize
    while todo:
        offset, depth = todo.pop()
        while True:
            seen = found.get(offset)
            if seen is not None:
                if seen != depth:
                    return None
                break
            if depth < 0 or depth > limit or offset not in index:
                return None
            found[offset] = depth
            ins = instructions[index[offset]]
            op = ins.opcode
            arg = ins.arg if op >= dis.HAVE_ARGUMENT else None
            if op in _JUMPS:
                target = getattr(ins, "jump_target", None)
                if target is None:
                    target = ins.argval
                todo.append((target, depth + dis.stack_effect(op, arg, jump=True)))
            if op in _NO_FALLTHROUGH:
                break
            if op == _RETURN_GENERATOR:
                # A generator's frame goes on with the value its first ``send`` brought
                # (``None``), which the ``POP_TOP`` after it pops; 3.12's compiler adds this
                # prefix after it has reckoned the depths, and ``dis`` says it pushes nothing.
                depth = 1
            else:
                depth += dis.stack_effect(op, arg, jump=False)
            following = index[offset] + 1
            if following >= len(instructions):
                break
            offset = instructions[following].offset
    return found


class StackReader:
    """Reads items of a running frame's value stack (see the module's docstring)."""

    def __init__(self) -> None:
        layout = FRAME_LAYOUTS.get(sys.version_info[:2])
        if layout is None or ctypes.sizeof(ctypes.c_void_p) != _POINTER:
            raise InternalError(
                f"the frames of Python {sys.version.split()[0]} on this platform are not "
                "known to gilsim's tracer"
            )
        self.f_frame, self.localsplus = layout
        self.check()

    def slot(self, frame: types.FrameType, index: int) -> Any:
        """``localsplus[index]`` of ``frame``: the object there, or ``NULL``."""
        interpreter_frame = ctypes.c_void_p.from_address(id(frame) + self.f_frame).value
        if not interpreter_frame:
            raise InternalError("a frame without its interpreter frame")
        address = ctypes.c_void_p.from_address(
            interpreter_frame + self.localsplus + _POINTER * index
        ).value
        if not address:
            return NULL
        return ctypes.cast(address, ctypes.py_object).value

    def peek(self, frame: types.FrameType, nlocals: int, depth: int, n: int) -> Any:
        """The item ``n`` places below the top (0: the top) of ``frame``'s stack, whose
        depth is ``depth`` and whose code has ``nlocals`` slots before its stack."""
        if not 0 <= n < depth:
            raise InternalError(f"no stack item {n} at depth {depth}")
        return self.slot(frame, nlocals + depth - 1 - n)

    def check(self) -> None:
        """See a probe's stack from inside an ``INSTRUCTION`` callback, as the readers of
        the stack will: the two operands of its ``STORE_ATTR`` must be the probe's own
        objects, or the layout is not what this module expects."""
        monitoring = sys.monitoring
        tool = next((t for t in range(6) if monitoring.get_tool(t) is None), None)
        if tool is None:
            raise InternalError("no sys.monitoring tool id is free to check the frame layout")
        owner, value = _Probe(), object()
        code = _probe.__code__
        store = next(i.offset for i in dis.get_instructions(code) if i.opname == "STORE_ATTR")
        at = (depths(code) or {}).get(store, 0)
        nlocals = nlocalsplus(code)
        seen: list[tuple[Any, Any]] = []

        def callback(where: types.CodeType, offset: int) -> Any:
            if where is code and offset == store and at >= 2:
                frame = sys._getframe(1)
                if self.slot(frame, 0) is owner:  # the first local: the layout holds
                    seen.append(
                        (self.peek(frame, nlocals, at, 0), self.peek(frame, nlocals, at, 1))
                    )
            return None

        monitoring.use_tool_id(tool, "gilsim-probe")
        try:
            monitoring.register_callback(tool, monitoring.events.INSTRUCTION, callback)
            monitoring.set_local_events(tool, code, monitoring.events.INSTRUCTION)
            _probe(owner, value)
        finally:
            monitoring.set_local_events(tool, code, 0)
            monitoring.register_callback(tool, monitoring.events.INSTRUCTION, None)
            monitoring.free_tool_id(tool)
        if seen != [(owner, value)]:
            raise InternalError(
                f"the frames of Python {sys.version.split()[0]} are not laid out as gilsim's "
                "tracer expects"
            )


class _Probe:
    pass


def _probe(owner: Any, value: Any) -> None:
    owner.x = value


_READER: list[StackReader] = []


def reader() -> StackReader:
    """The host's stack reader (checked once)."""
    if not _READER:
        _READER.append(StackReader())
    return _READER[0]
