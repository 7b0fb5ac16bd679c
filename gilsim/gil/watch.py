"""Watching the places where the GIL can change hands.

Under the GIL a thread loses control only at an eval-breaker check point (``docs/model/gil.md``
§2.1) or when it releases the GIL around a blocking call (§4).  Race recording needs to know
which of a thread's accesses fall between the same two such places (nothing can come between
them), and where a thread was when the GIL passed from it; schedule exploration needs to
*decide*, at each of them, who runs next.  A ``Watcher`` on the GIL does both.

It costs nothing when nobody watches: the GIL calls it only when one is installed, and it is
installed only for ``--races`` and for exploration.  While installed, the GIL keeps
``eval_breaker`` set, so that every check point (not only those that find a drop request)
reaches ``eval_frame_handle_pending`` and is seen here.
"""

from __future__ import annotations

import collections
from typing import Any, Protocol

import attrs

from gilsim.machine import OSThread


@attrs.frozen
class Where:
    """A place in the program: file, line and the instruction there (``opname``), and the
    function (``co_name``) it is in."""

    filename: str
    lineno: int | None
    opname: str
    function: str


@attrs.frozen
class Handoff:
    """The GIL passed from one thread to another: when, from whom (``None`` if it was free),
    to whom, how (``"check point"`` on a drop request, ``"release"`` around a blocking call,
    ``"exit"`` at the end of the thread) and where the giver was then."""

    time_ns: int
    giver: int | None
    taker: int
    how: str
    where: Where | None


class Chooser(Protocol):
    """Who runs next, where the GIL can change hands (schedule exploration).  Its choices
    are numbered in order."""

    @property
    def last_choice(self) -> int:
        """The number of the latest choice."""
        ...

    def at_check_point(self, holder: OSThread, waiting: list[OSThread]) -> OSThread | None:
        """At a check point of ``holder`` while ``waiting`` wait for the GIL: the waiter to
        hand it to, or None to go on."""
        ...

    def at_release(self, holder: OSThread, waiting: list[OSThread], default: OSThread) -> OSThread:
        """``holder`` releases the GIL and two or more threads wait: the one to signal
        (``default`` is the one the OS would pick)."""
        ...


@attrs.frozen
class Step:
    """One segment of a thread's run: what thread ``ident`` did holding the GIL after its
    switch point number ``points`` and before its next one.  ``choice`` is the chooser's
    choice point at which this thread was given (or kept) the GIL for it, or None if it got
    there with no choice (nobody else was waiting for the GIL; another thread may still have
    been about to: ``gilsim.schedules.dpor``)."""

    ident: int
    points: int
    choice: int | None


class Watcher:
    """The GIL's observer: counts each thread's switch points and records hand-offs; with a
    ``chooser``, lets it decide at each of them; with ``steps``, keeps every segment in the
    order the segments ran (schedule exploration's partial-order reduction)."""

    def __init__(self, chooser: Chooser | None = None, steps: bool = False) -> None:
        self.chooser = chooser
        # Per thread ident: the switch points (check points and releases) it has passed.
        # Two accesses of a thread with the same count have no switch point between them.
        self.points: collections.defaultdict[int, int] = collections.defaultdict(int)
        # Per thread ident: where it last passed a switch point.
        self.last_where: dict[int, Where | None] = {}
        self.handoffs: list[Handoff] = []
        self._pending: tuple[int, str, Where | None] | None = None
        self.steps: list[Step] | None = [] if steps else None
        # The thread the chooser chose last and the number of that choice, until the next
        # segment starts (it is that thread's, unless another thread took the GIL first).
        self._chosen: tuple[OSThread, int] | None = None

    def check_point(self, holder: OSThread, waiting: list[OSThread]) -> OSThread | None:
        ident = holder.ident
        self.points[ident] += 1
        self.last_where[ident] = where_of(holder)
        if self.chooser is None or not waiting:
            return None
        chosen = self.chooser.at_check_point(holder, waiting)
        self._chose(holder if chosen is None else chosen)
        return chosen

    def goes_on(self, holder: OSThread) -> None:
        """``holder`` passed a check point and keeps the GIL: its next segment starts."""
        if self.steps is not None:
            self._step(holder)

    def _chose(self, thread: OSThread) -> None:
        if self.steps is not None:
            self._chosen = (thread, self.chooser.last_choice)  # type: ignore[union-attr]

    def _step(self, thread: OSThread) -> None:
        chosen, self._chosen = self._chosen, None
        choice = chosen[1] if chosen is not None and chosen[0] is thread else None
        self.steps.append(Step(thread.ident, self.points[thread.ident], choice))  # type: ignore[union-attr]

    def released(self, holder: OSThread, forced: bool) -> None:
        ident = holder.ident
        where = None
        if not forced:
            self.points[ident] += 1
            where = self.last_where[ident] = where_of(holder)
        if forced:
            how = "check point"
        elif where is None:
            how = "exit"  # ``delete_thread_state``: the thread has run its last frame
        else:
            how = "release"
        self._pending = (ident, how, self.last_where.get(ident))

    def pick(self, holder: OSThread | None, waiting: list[OSThread], default: OSThread) -> OSThread:
        if self.chooser is None or holder is None or len(waiting) < 2:
            return default
        chosen = self.chooser.at_release(holder, waiting, default)
        self._chose(chosen)
        return chosen

    def taken(self, taker: OSThread, time_ns: int) -> None:
        if self.steps is not None:
            self._step(taker)
        pending, self._pending = self._pending, None
        if pending is None:
            self.handoffs.append(Handoff(time_ns, None, taker.ident, "start", None))
            return
        giver, how, where = pending
        if giver != taker.ident:
            self.handoffs.append(Handoff(time_ns, giver, taker.ident, how, where))


def switch_phrase(where: Where, who: str, how: str | None, location: str) -> str:
    """How a report says where thread ``who`` was when the GIL passed (or could pass) from
    it: ``when Thread-1 entered f() (line 3)``, ``at the end of a loop iteration (line 7)``.
    ``location`` is the place as the report names it (``line 3``, ``util.py line 3``)."""
    opname = where.opname
    if how == "exit":
        return f"when {who} exited"
    if opname == "RESUME":
        return f"when {who} entered {where.function}() ({location})"
    if "JUMP_BACKWARD" in opname:
        return f"at the end of a loop iteration ({location})"
    if how == "release":
        return f"when {who} blocked or released the GIL at {location}"
    if opname in ("CALL", "PRECALL"):
        return f"after the call at {location}"
    return f"at {location} ({opname})"


def where_of(thread: OSThread) -> Where | None:
    """Where ``thread``'s innermost frame of the program's is (the instruction it last
    ran), as its interpreter tells (``InterpreterState.where``)."""
    ts: Any = thread.payload
    return ts.interp.where(ts) if ts is not None else None


def position_fields(thread: OSThread) -> dict[str, Any]:
    """Where ``thread`` is, as trace fields: ``file``, ``line``, ``opname`` and ``function``
    of the instruction it last ran (all None before its first frame and after its last)."""
    where = where_of(thread)
    if where is None:
        return {"file": None, "line": None, "opname": None, "function": None}
    return {
        "file": where.filename,
        "line": where.lineno,
        "opname": where.opname,
        "function": where.function,
    }
