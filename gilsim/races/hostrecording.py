"""Race recording on the host's interpreter (3.12, 3.13): the accesses of the program's own
code, seen instruction by instruction (``gilsim.tracer.instructions``).

On gilsim's own interpreter the recorder wraps the handlers of the access opcodes
(``recording``), and each wrapper sees the owner, the key and the value on the simulated
stack.  Here the instructions are CPython's own; ``AccessWatcher`` asks the tracer for the
offsets of the same opcodes in the program's code, and before each runs reads what it needs
from the real frame: its globals and locals, its cells, and the items on top of its value
stack (``gilsim.tracer.valuestack``).  What an access records is what ``recording`` records,
opcode by opcode (3.12 and 3.13 name a few of them differently: ``LOAD_METHOD`` is
``LOAD_ATTR`` with its low bit set, ``LOAD_CLASSDEREF`` is ``LOAD_FROM_DICT_OR_DEREF``).

A *read* records the value it read, which exists only once the instruction has run, and an
access that raises did not happen: so a read is worked out before the instruction (its place)
and recorded before the next one (its value, on top of the stack then).  If the instruction
raises, the next one never comes, and the frame's next watched instruction drops it.  The
other accesses are recorded before their instruction, with what they will store: a name, an
item or an attribute stored is there to read beforehand, and no switch point comes between
an instruction's start and its store.  (Two differences follow, both where the store runs
the program's code or fails: a store that raises is recorded all the same, and a store by a
Python ``__setattr__`` or ``__setitem__`` is recorded before that code runs, not after.)
"""

from __future__ import annotations

import dis
import sys
import types
from collections.abc import Callable, Collection
from typing import TYPE_CHECKING, Any

from gilsim.races.places import ABSENT, CONTAINERS, DELETED, PRESENT, item_key, of_type
from gilsim.races.recorder import Recorder, is_program_code
from gilsim.runtime.threadmodule import _local
from gilsim.tracer.valuestack import NULL, depths, nlocalsplus, reader

if TYPE_CHECKING:
    from gilsim.tracer.codeinfo import CodeInfo

# ``LOAD_ATTR`` with its low bit set leaves the attribute (or a method and its ``self``)
# with a ``NULL`` beside it: under it in 3.12 (``NULL | attr``), over it in 3.13
# (``attr | NULL``); a method found on the type has the ``self`` in that place instead.
_NULL_ON_TOP = sys.version_info >= (3, 13)

# How many reads may wait for their value (one per frame that is inside an access, calling
# a property, say): past it, those of frames that raised are forgotten.
_PENDING_MAX = 1024


class TracedCode:
    """A code object as an access record names it (``DecodedCode`` on gilsim's own
    interpreter): the code, and the line and opname of each instruction by byte offset."""

    __slots__ = ("code", "opnames", "lines")

    def __init__(self, code: types.CodeType) -> None:
        self.code = code
        self.opnames: dict[int, str] = {}
        self.lines: dict[int, int | None] = {}
        for ins in dis.get_instructions(code):
            self.opnames[ins.offset] = ins.opname
            self.lines[ins.offset] = ins.positions.lineno if ins.positions else None

    def line(self, index: int) -> int | None:
        return self.lines.get(index)


class Frame:
    """What a step reads of the frame before its instruction: the real frame, the code's
    slot count and the stack's depth there."""

    __slots__ = ("frame", "nlocals", "depth")

    def __init__(self, frame: types.FrameType, nlocals: int, depth: int) -> None:
        self.frame, self.nlocals, self.depth = frame, nlocals, depth

    def top(self, n: int = 0) -> Any:
        """The stack item ``n`` places below the top."""
        return reader().peek(self.frame, self.nlocals, self.depth, n)

    def slot(self, index: int) -> Any:
        """``localsplus[index]``: a cell, for ``LOAD_DEREF`` and its kin."""
        return reader().slot(self.frame, index)


class Read:
    """A read worked out before its instruction (``code``, ``index``), recorded before the
    next one (seen at one of ``nexts``: its offset, and those of ``EXTENDED_ARG`` prefixes
    before it) with the value on top of the stack then.  ``invert``: a ``not in`` check."""

    __slots__ = ("code", "index", "nexts", "owner", "key", "kind", "action", "flagged", "invert")

    def __init__(self, owner: Any, key: Any, kind: str, action: str) -> None:
        self.code: Any = None
        self.index = 0
        self.nexts: tuple[int, ...] = ()
        self.owner, self.key, self.kind, self.action = owner, key, kind, action
        # ``LOAD_ATTR`` with its low bit: the value has a ``NULL`` (or a ``self``) beside it.
        self.flagged = False
        self.invert = False


# A step: what to do before an instruction; a read still waiting for its value, or None.
Step = Callable[["AccessWatcher", "Frame", dis.Instruction], "Read | None"]


class AccessWatcher:
    """The instruction watcher of ``--races`` on the host's interpreter."""

    def __init__(self, recorder: Recorder) -> None:
        self.recorder = recorder
        # Per code object (by id; the ``TracedCode`` keeps the code alive): per offset, the
        # step, its instruction and the offsets after it; the depths; the slot count; the
        # code as records name it.
        self.plans: dict[int, tuple[dict[int, Any], dict[int, int], int, TracedCode]] = {}
        # Reads waiting for the next instruction, by the id of their frame.
        self.pending: dict[int, Read] = {}

    # -- which instructions ---------------------------------------------------------------

    def offsets(self, info: CodeInfo) -> Collection[int]:
        code = info.code
        if not is_program_code(code.co_filename):
            return ()
        at = depths(code)
        if at is None:  # the walk disagrees with the compiler: read no stack of it
            return ()
        instructions = list(dis.get_instructions(code))
        steps: dict[int, Any] = {}
        watched: set[int] = set()
        reads = False
        for n, ins in enumerate(instructions):
            step = STEPS.get(ins.opname)
            if step is None or ins.offset not in at:
                continue
            nexts = _nexts(instructions, n)
            steps[ins.offset] = (step, ins, nexts)
            watched.add(ins.offset)
            if ins.opname in READS_AFTER:
                watched.update(nexts)
                reads = True
        if reads:
            # A handler of the frame drops the read whose instruction raised.
            entries = dis.Bytecode(code).exception_entries  # type: ignore[attr-defined]
            watched.update(entry.target for entry in entries)
        self.plans[id(code)] = (steps, at, nlocalsplus(code), TracedCode(code))
        return watched

    # -- before each of them --------------------------------------------------------------

    def before(self, ts: Any, frame: types.FrameType, offset: int) -> None:
        code = frame.f_code
        plan = self.plans.get(id(code))
        if plan is None or plan[3].code is not code or self.recorder.finished:
            return
        steps, at, nlocals, traced = plan
        key = id(frame)
        waiting = self.pending.pop(key, None) if self.pending else None
        if waiting is not None and waiting.code is traced and offset in waiting.nexts:
            self._finish(waiting, Frame(frame, nlocals, at[offset]))
        planned = steps.get(offset)
        if planned is None:
            return
        step, ins, nexts = planned
        read = step(self, Frame(frame, nlocals, at[offset]), ins)
        if read is not None:
            read.code, read.index, read.nexts = traced, offset, nexts
            if len(self.pending) >= _PENDING_MAX:
                self.pending.clear()
            self.pending[key] = read

    def _finish(self, read: Read, frame: Frame) -> None:
        """Record ``read`` with the value its instruction left on the stack."""
        if read.flagged:
            if frame.top(0 if _NULL_ON_TOP else 1) is not NULL:
                return  # a method found on the type, and its ``self``: not an attribute
            value = frame.top(1 if _NULL_ON_TOP else 0)
        else:
            value = frame.top()
        if read.action == "check":  # ``in`` on a dict: was the key there?
            value = PRESENT if bool(value) != read.invert else ABSENT
        self.recorder.record(
            read.code, read.index, read.owner, read.key, read.kind, read.action, value
        )

    # -- what the steps share -------------------------------------------------------------

    def now(
        self,
        frame: Frame,
        ins: dis.Instruction,
        obj: Any,
        key: Any,
        kind: str,
        action: str,
        value: Any,
        hint: str | None = None,
    ) -> None:
        """Record an access of place ``key`` of ``obj`` at ``ins``, now."""
        recorder = self.recorder
        traced = self.plans[id(frame.frame.f_code)][3]
        owner = recorder.owner(obj, kind, hint)
        recorder.record(traced, ins.offset, owner, key, kind, action, value)

    def later(self, obj: Any, key: Any, kind: str, action: str = "read") -> Read:
        """A read of place ``key`` of ``obj``, to record once its instruction has run."""
        return Read(self.recorder.owner(obj, kind), key, kind, action)


def _nexts(instructions: list[dis.Instruction], n: int) -> tuple[int, ...]:
    """The offsets at which the instruction after ``instructions[n]`` may be seen: its
    own, and those of the ``EXTENDED_ARG`` prefixes before it."""
    found = []
    for ins in instructions[n + 1 :]:
        found.append(ins.offset)
        if ins.opname != "EXTENDED_ARG":
            break
    return tuple(found)


# -- globals and module-level names ------------------------------------------------------------
#
# Each step reads what ``recording``'s wrapper of the same opcode reads, from the frame.


def _load_global(w: AccessWatcher, frame: Frame, ins: dis.Instruction) -> Read | None:
    namespace = frame.frame.f_globals
    name = ins.argval
    if name in namespace:  # not a builtin
        w.now(frame, ins, namespace, name, "global", "read", namespace[name])
    return None


def _store_global(w: AccessWatcher, frame: Frame, ins: dis.Instruction) -> Read | None:
    w.now(frame, ins, frame.frame.f_globals, ins.argval, "global", "write", frame.top())
    return None


def _delete_global(w: AccessWatcher, frame: Frame, ins: dis.Instruction) -> Read | None:
    namespace = frame.frame.f_globals
    if ins.argval in namespace:  # else ``NameError``: nothing deleted
        w.now(frame, ins, namespace, ins.argval, "global", "delete", DELETED)
    return None


def _load_name(w: AccessWatcher, frame: Frame, ins: dis.Instruction) -> Read | None:
    namespace, module = frame.frame.f_locals, frame.frame.f_globals
    name = ins.argval
    if (namespace is module or name not in namespace) and name in module:
        w.now(frame, ins, module, name, "global", "read", module[name])
    return None


def _store_name(w: AccessWatcher, frame: Frame, ins: dis.Instruction) -> Read | None:
    module = frame.frame.f_globals
    if frame.frame.f_locals is module:  # module level: the names are globals
        w.now(frame, ins, module, ins.argval, "global", "write", frame.top())
    return None


def _delete_name(w: AccessWatcher, frame: Frame, ins: dis.Instruction) -> Read | None:
    module = frame.frame.f_globals
    if frame.frame.f_locals is module and ins.argval in module:
        w.now(frame, ins, module, ins.argval, "global", "delete", DELETED)
    return None


# -- attributes --------------------------------------------------------------------------------


def _attribute_owner(owner: Any) -> tuple[Any, str] | None:
    """Whose place an attribute of ``owner`` is: a module's attribute is one of its
    globals; ``threading.local`` attributes are each thread's own, never shared."""
    if of_type(owner, types.ModuleType):
        return owner.__dict__, "global"
    if of_type(owner, _local):
        return None
    return owner, "attribute"


def _load_attr(w: AccessWatcher, frame: Frame, ins: dis.Instruction) -> Read | None:
    found = _attribute_owner(frame.top())
    if found is None:
        return None
    read = w.later(found[0], ins.argval, found[1])
    read.flagged = bool((ins.arg or 0) & 1)  # ``LOAD_METHOD`` in 3.11
    return read


def _store_attr(w: AccessWatcher, frame: Frame, ins: dis.Instruction) -> Read | None:
    found = _attribute_owner(frame.top())
    if found is not None:
        w.now(frame, ins, found[0], ins.argval, found[1], "write", frame.top(1))
    return None


def _delete_attr(w: AccessWatcher, frame: Frame, ins: dis.Instruction) -> Read | None:
    found = _attribute_owner(frame.top())
    if found is not None:
        w.now(frame, ins, found[0], ins.argval, found[1], "delete", DELETED)
    return None


# -- items of containers -----------------------------------------------------------------------


def _binary_subscr(w: AccessWatcher, frame: Frame, ins: dis.Instruction) -> Read | None:
    container = frame.top(1)
    if of_type(container, CONTAINERS):
        key = item_key(container, frame.top())
        if key is not None:
            return w.later(container, key, "item")
    return None


def _store_subscr(w: AccessWatcher, frame: Frame, ins: dis.Instruction) -> Read | None:
    container = frame.top(1)
    if of_type(container, CONTAINERS):
        key = item_key(container, frame.top())
        if key is not None:
            w.now(frame, ins, container, key, "item", "write", frame.top(2))
    return None


def _delete_subscr(w: AccessWatcher, frame: Frame, ins: dis.Instruction) -> Read | None:
    container = frame.top(1)
    if of_type(container, CONTAINERS):
        key = item_key(container, frame.top())
        if key is not None:
            w.now(frame, ins, container, key, "item", "delete", DELETED)
    return None


def _contains_op(w: AccessWatcher, frame: Frame, ins: dis.Instruction) -> Read | None:
    """``key in d`` reads the place ``d[key]``: present or absent.  Only for dicts, whose
    items are places (a list's ``in`` reads every item)."""
    container = frame.top()
    if of_type(container, dict):
        key = item_key(container, frame.top(1))
        if key is not None:
            read = w.later(container, key, "item", "check")
            read.invert = bool(ins.arg)
            return read
    return None


# -- closure cells -----------------------------------------------------------------------------


def _load_deref(w: AccessWatcher, frame: Frame, ins: dis.Instruction) -> Read | None:
    cell = frame.slot(ins.arg or 0)
    try:
        value = cell.cell_contents
    except ValueError:  # empty: the instruction raises ``NameError``
        return None
    w.now(frame, ins, cell, None, "cell", "read", value, ins.argval)
    return None


def _load_from_dict_or_deref(w: AccessWatcher, frame: Frame, ins: dis.Instruction) -> Read | None:
    """A class body's free variable (3.11's ``LOAD_CLASSDEREF``): the class namespace on
    top of the stack first, then the cell."""
    namespace = frame.top()
    if ins.argval in namespace:
        return None
    return _load_deref(w, frame, ins)


def _store_deref(w: AccessWatcher, frame: Frame, ins: dis.Instruction) -> Read | None:
    w.now(frame, ins, frame.slot(ins.arg or 0), None, "cell", "write", frame.top(), ins.argval)
    return None


STEPS: dict[str, Step] = {
    "LOAD_GLOBAL": _load_global,
    "STORE_GLOBAL": _store_global,
    "DELETE_GLOBAL": _delete_global,
    "LOAD_NAME": _load_name,
    "STORE_NAME": _store_name,
    "DELETE_NAME": _delete_name,
    "LOAD_ATTR": _load_attr,
    "STORE_ATTR": _store_attr,
    "DELETE_ATTR": _delete_attr,
    "BINARY_SUBSCR": _binary_subscr,
    "STORE_SUBSCR": _store_subscr,
    "DELETE_SUBSCR": _delete_subscr,
    "CONTAINS_OP": _contains_op,
    "LOAD_DEREF": _load_deref,
    "LOAD_FROM_DICT_OR_DEREF": _load_from_dict_or_deref,
    "STORE_DEREF": _store_deref,
}

# The steps whose reads wait for the value their instruction leaves.
READS_AFTER = frozenset({"LOAD_ATTR", "BINARY_SUBSCR", "CONTAINS_OP"})


def install(recorder: Recorder) -> AccessWatcher:
    """Watch the program's accesses for ``recorder``, on its interpreter's tracer (before
    the tracer is installed); with segments, its whole-container operations too
    (``gilsim.races.hostcontainers``)."""
    reader()  # checked now: inside a monitoring callback no probe's event would come
    watcher = AccessWatcher(recorder)
    interp: Any = recorder.interp  # a ``TracedInterpreter``
    interp.tracer.watch(watcher)
    if recorder.keep_segments:
        from gilsim.races.hostcontainers import ContainerWatcher  # (it builds on this module)

        interp.tracer.watch(ContainerWatcher(recorder))
    return watcher
