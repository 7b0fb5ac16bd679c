"""Watching the reference counts of chosen objects on the host's interpreter (3.12, 3.13):
``gilsim run --refcount NAME`` as ``gilsim.interpreter.refcounts`` does it on 3.11, from the
real frames.

The program runs on real host objects, so the host's counts *are* the program's: CPython's
own eval loop does each ``Py_INCREF`` and ``Py_DECREF`` of ``Python/bytecodes.c``, and this
module only reads them, with ``sys.getrefcount``, corrected as on 3.11 for the reader's own
references (``refcounts._READER``, ``_HELD``).  What it reads is handed to the same model
(``gilsim.interpreter.obrefcnt``: lost updates without a GIL, biased counting under free
threading) and reported the same way.

When a count is read.  ``HostWatch`` is an ``InstructionWatcher``
(``gilsim.tracer.instructions``): before each instruction that may change a count, it reads
every watched count, and a change is the work of the instructions the thread ran since its
last read, placed at the last of them (``Place``).  Reading before an instruction is reading
after the one before, as 3.11 reads after each.  It leaves out the instructions whose
``bytecodes.c`` body touches no reference count (``UNCOUNTED``): their offsets fire no
event, and a change is never theirs.

A thread that stops inside an instruction.  A thread loses the core or the GIL inside a
``sys.monitoring`` callback (a check point, a deadline) or a shadow of the C boundary (a
lock, ``sleep``), part of the way through an instruction.  What it changed up to there is
read when it stops (``switching``), so that the next thread's read does not take it for its
own; what the hub did meanwhile (a thread that ended and let go of its arguments) is read
when the thread goes on.  gilsim's own frames of a stopped thread may hold a reference that
CPython would not hold (a callback's ``arg``, ``value``): it appears when the thread stops and
goes when the callback returns.  So a thread's changes are kept (``pending``) until its next
read before an instruction, and recorded then as one update, where such references cancel.

Immortal objects (PEP 683, 3.12 on).  ``Py_INCREF`` and ``Py_DECREF`` leave an immortal
object's count alone in every build (``_Py_IsImmortal``, ``Include/object.h``): ``None``,
the small ints, interned strings... their count never changes, and there is nothing to
follow.  A watched one is said to be immortal (``refcount_watch``'s ``immortal``, a note at
the end) and its count is not read: it reads ``2**32 - 1`` on 64-bit builds.
"""

from __future__ import annotations

import dis
import sys
import types
from collections.abc import Collection
from typing import Any

from gilsim.interpreter import obrefcnt
from gilsim.interpreter.refcounts import _HELD, _MISSING, _READER, Watch, Watched
from gilsim.tracer.codeinfo import CodeInfo

_getrefcount = sys.getrefcount

# The instructions of 3.12 and 3.13 whose ``Python/bytecodes.c`` body does no
# ``Py_INCREF``/``Py_DECREF``: they move nothing to or from the value stack, or push NULL
# (``PUSH_NULL``), swap two entries (``SWAP``), or only jump and check (``RESUME``,
# ``JUMP_BACKWARD``).  ``KW_NAMES`` (3.12) keeps a borrowed pointer to a constant.
UNCOUNTED = frozenset(
    {
        "NOP",
        "RESUME",
        "EXTENDED_ARG",
        "JUMP_FORWARD",
        "JUMP_BACKWARD",
        "JUMP_BACKWARD_NO_INTERRUPT",
        "SWAP",
        "PUSH_NULL",
        "KW_NAMES",
    }
)

# ``_Py_IsImmortal`` on 64-bit builds (3.12, 3.13): the low 32 bits of ``ob_refcnt`` are
# negative as an ``int32_t``.  An immortal object's count starts at ``UINT_MAX`` and stays
# there (``_Py_IMMORTAL_REFCNT``); no mortal object reaches 2**31 references.
IMMORTAL_FROM = 2**31


class HostCode:
    """A code object as ``obrefcnt.Place`` shows it: its line and opname by offset (the
    3.11 engine's ``DecodedCode`` has the same three)."""

    def __init__(self, code: types.CodeType) -> None:
        self.code = code
        self.opnames: dict[int, str] = {}
        self.lines: dict[int, int | None] = {}
        for instruction in dis.get_instructions(code):
            self.opnames[instruction.offset] = instruction.opname
            self.lines[instruction.offset] = instruction.positions.lineno  # type: ignore[union-attr]

    def line(self, offset: int) -> int | None:
        return self.lines.get(offset)


class HostWatch(Watch):
    """The watched names of a program on the host's interpreter (``interp.refcounts``),
    read before the instructions its threads run (see the module's docstring)."""

    def __init__(self, interp: Any, names: tuple[str, ...], seed: int = 0) -> None:
        super().__init__(interp, names, seed)
        # The main module's namespace, in the list ``hostprogram.run_main`` keeps it in
        # (empty once ``finalize_modules`` lets go of it).
        self.namespaces: list[dict[str, Any]] = []
        self.codes: dict[types.CodeType, HostCode] = {}
        # Each thread's last instruction, by ident: (code, offset).
        self.places: dict[int | None, tuple[HostCode, int]] = {}
        # Each thread's changes not recorded yet, by ident and watched object (its index).
        self.pending: dict[int | None, dict[int, int]] = {}
        # The thread that read last (who made what the hub's read finds).
        self.last_reader: int | None = None
        # The watched objects immortal on the host, as (name, object number).
        self.immortal: set[tuple[str, int]] = set()

    # -- the InstructionWatcher -------------------------------------------------------------

    def offsets(self, info: CodeInfo) -> Collection[int]:
        return frozenset(
            instruction.offset
            for instruction in dis.get_instructions(info.code)
            if instruction.opname not in UNCOUNTED
        )

    def before(self, ts: Any, frame: types.FrameType, offset: int) -> None:
        ident = _ident(ts)
        self.read(ident, flush=True)
        code = frame.f_code
        host_code = self.codes.get(code)
        if host_code is None:
            host_code = self.codes[code] = HostCode(code)
        self.places[ident] = (host_code, offset)

    # -- where threads stop and go on ---------------------------------------------------------

    def install_switches(self, machine: Any) -> None:
        """Read the counts when a thread leaves for the hub and when it comes back
        (``Machine.to_hub``)."""
        to_hub = machine.to_hub

        def switching(hub: Any) -> Any:
            thread = machine.current
            ident = thread.ident if thread is not None else None
            self.read(ident)
            try:
                return to_hub(hub)
            finally:
                self.read(self.last_reader)

        machine.to_hub = switching

    # -- reading ----------------------------------------------------------------------------

    def read(self, ident: int | None, flush: bool = False) -> None:
        """Read each watched count; a change is ``ident``'s, kept until its next read before
        an instruction (``flush``), which records it."""
        self.last_reader = ident
        namespace = self.namespaces[0] if self.namespaces else None
        pending = self.pending.get(ident)
        for index, watched in enumerate(self.watched):
            obj = watched.target()
            if namespace is not None:
                bound = namespace.get(watched.name, _MISSING)
                # ``name = None`` lets go of an object as ``del name`` does (as on 3.11).
                if bound is not _MISSING and bound is not None and bound is not obj:
                    self._bind(watched, bound, None)
                    obj = bound
                del bound
            if obj is _MISSING or (watched.name, watched.bindings) in self.immortal:
                continue
            # Read here, not in a helper: a call would hold ``obj`` twice more.
            count = _getrefcount(obj) - _READER - (_HELD if watched.held is not _MISSING else 0)
            del obj
            if watched.count is None:
                self._first(watched, count, ident)
            elif count != watched.count:
                if pending is None:
                    pending = self.pending[ident] = {}
                pending[index] = pending.get(index, 0) + count - watched.count
                watched.count = count
            if count == 0:
                # Only the watch holds it: let it go, and the host frees it now.
                watched.held = _MISSING
        if flush and pending:
            self._flush(ident, pending)

    def _first(self, watched: Watched, count: int, ident: int | None) -> None:
        watched.count = count
        update = obrefcnt.Update(
            self.interp.clock_ns, watched, watched.bindings, None, count, self._place(ident)
        )
        self.counts.add(update)

    def _flush(self, ident: int | None, pending: dict[int, int]) -> None:
        """Record ``ident``'s changes kept so far, one update per watched object."""
        place = self._place(ident)
        for index, delta in list(pending.items()):
            del pending[index]
            if delta == 0:
                continue
            watched = self.watched[index]
            count = watched.count if watched.count is not None else 0
            update = obrefcnt.Update(
                place.time_ns, watched, watched.bindings, delta, count, place, freed=count == 0
            )
            self.counts.add(update)

    def _place(self, ident: int | None) -> obrefcnt.Place:
        where = self.places.get(ident)
        if where is None:
            return obrefcnt.Place(self.interp.clock_ns, ident)
        return obrefcnt.Place(self.interp.clock_ns, ident, where[0], where[1])

    def _here(self) -> obrefcnt.Place:
        thread = self.interp.machine.current
        return self._place(thread.ident if thread is not None else self.last_reader)

    def _bind(self, watched: Watched, obj: Any, frame: Any) -> None:
        # What the old object's reader kept is its own: the new one starts afresh.
        index = self.watched.index(watched)
        for pending in self.pending.values():
            pending.pop(index, None)
        if _getrefcount(obj) >= IMMORTAL_FROM:
            self.immortal.add((watched.name, watched.bindings + 1))
        super()._bind(watched, obj, frame)

    def record(self, event: str, place: obrefcnt.Place, **fields: Any) -> None:
        if event == "refcount_watch" and (fields["name"], fields["object"]) in self.immortal:
            fields["immortal"] = True
        super().record(event, place, **fields)

    def finish(self) -> None:
        for ident, pending in self.pending.items():
            if pending:
                self._flush(ident, pending)
        super().finish()

    def notes(self, thread_names: dict[int, str] | None = None) -> list[str]:
        """As on 3.11 (``Watch.notes``), with a sentence for each watched object that is
        immortal here."""
        said = [
            f"--refcount {w.name}: the program never bound a global named {w.name!r}"
            for w in self.watched
            if w.bindings == 0
        ]
        version = f"{sys.version_info.major}.{sys.version_info.minor}"
        for watched in self.watched:
            several = watched.bindings > 1
            for obj in self.counts.of(watched):
                said.extend(obrefcnt.consequences(watched.name, obj, thread_names or {}, several))
                if (watched.name, obj.serial) in self.immortal:
                    number = f"object {obj.serial}, " if several else ""
                    article = "an" if obj.type_name[:1].lower() in "aeiou" else "a"
                    said.append(
                        f"--refcount {watched.name} ({number}{article} {obj.type_name}): "
                        f"immortal in Python {version} (PEP 683): Py_INCREF and Py_DECREF "
                        "leave its count alone, so it never changes"
                    )
        return said


def _ident(ts: Any) -> int | None:
    return ts.os_thread.ident if ts is not None and ts.os_thread is not None else None


def install(interp: Any, names: tuple[str, ...], seed: int = 0) -> HostWatch:
    """Watch ``names`` in the program ``interp`` will run: before its tracer is installed,
    after its machine's ``to_hub`` is set."""
    watch = HostWatch(interp, names, seed)
    interp.refcounts = watch
    interp.tracer.watch(watch)
    watch.install_switches(interp.machine)
    return watch
