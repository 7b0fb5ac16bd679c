"""What each thread, each core and the GIL did over a run, as intervals: read from the
trace alone (``gilsim run --trace``; ``docs/command-line.md`` lists its events).

A thread is in one *state* at a time, derived from its ``thread_state`` events and from
whether it holds the GIL (``gil_take`` to ``gil_drop``):

=================  ========================================================================
``running``        on a core, holding the GIL: executing bytecode
``no_gil``         on a core without the GIL: in a call that released it, or on its way
                   to wait for it
``gil_wait``       waiting for the GIL (``take_gil``'s condition variable, its wake-up
                   latency included)
``runnable``       ready to run, but no core is free (the OS run queue)
``waking``         woken from a sleep, lock or I/O wait, within the OS's wake-up latency
``sleep``          in ``time.sleep``
``io``             blocked on I/O (a pipe, a socket, a terminal)
``lock``           blocked on a lock (``Lock.acquire``, ``join``, ``Condition.wait``...)
=================  ========================================================================

In a run without a GIL (``--gil none``, ``--gil free-threaded``) the trace has no
``gil_take``: a thread executing bytecode is *attached* (``attach`` to ``detach``, PEP 703's
names), which counts as ``running`` here, and there is no GIL lane (``gil``: the kind).

A core's intervals name the thread that ran on it; the GIL's the thread that held it.
``Timeline.handoffs`` are the GIL's passes from one thread to another, each with its cause
(``docs/model/gil.md`` §1.3-1.5): ``"drop request"`` (dropped at a check point because a waiter
timed out after a switch interval and asked), ``"blocking call"`` (released around a call
that then blocked: a sleep, a lock, I/O), ``"exit"`` (the thread ended) or
``"voluntary"`` (released around a call that did not block).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

import attrs

from gilsim.analysis.refcounts import refcount_lanes
from gilsim.gil import WITHOUT_GIL

STATES = ("running", "no_gil", "gil_wait", "runnable", "waking", "sleep", "io", "lock")
"""Every state a thread's interval can have, in the order a legend lists them."""

BLOCKED_STATES = {"sleep": "sleep", "io": "io", "lock": "lock"}


@attrs.frozen
class Position:
    """Where a thread was: file, line, the instruction (``opname``) and its function."""

    file: str | None
    line: int | None
    opname: str | None
    function: str | None

    @classmethod
    def of(cls, event: Mapping[str, Any]) -> Position | None:
        if event.get("opname") is None:
            return None
        return cls(event.get("file"), event.get("line"), event["opname"], event.get("function"))

    def __str__(self) -> str:
        return f"line {self.line} {self.opname} in {self.function}()"


@attrs.frozen
class Interval:
    """``[start_ns, end_ns)`` of a lane in one ``state`` (thread lanes) or occupied by
    ``thread`` (core and GIL lanes; state ``"running"`` / ``"held"``).  ``what`` says
    what a blocked thread waits for (``time.sleep(0.0002)``, ``lock #3 (made at x.py:5)``)."""

    start_ns: int
    end_ns: int
    state: str
    thread: int | None = None
    what: str | None = None

    @property
    def duration_ns(self) -> int:
        return self.end_ns - self.start_ns


@attrs.frozen
class Handoff:
    """The GIL passed from ``giver`` (dropped at ``dropped_ns``, at ``given_at``) to
    ``taker`` (took it at ``time_ns``, resuming at ``taken_at``), for ``cause``."""

    time_ns: int
    dropped_ns: int
    giver: int
    taker: int
    cause: str
    given_at: Position | None
    taken_at: Position | None


@attrs.frozen
class DropRequest:
    """At ``time_ns``, ``requester`` timed out waiting for the GIL and asked ``holder``
    to drop it (``gil_drop_request``)."""

    time_ns: int
    requester: int
    holder: int | None


@attrs.frozen
class ThreadInfo:
    """A thread of the run: its ``ident``, its ``name`` and its number in order of start."""

    ident: int
    name: str
    number: int
    # Its process, in a run of several (``None`` in a run of one).
    pid: int | None = None


@attrs.frozen
class Timeline:
    """A run's lanes: per thread (``threads``, in order of start), per core and the GIL,
    from ``0`` to ``end_ns``; and the GIL's hand-offs and drop requests."""

    end_ns: int
    cores: int
    switch_interval_us: int | None
    threads: tuple[ThreadInfo, ...]
    thread_lanes: Mapping[int, tuple[Interval, ...]]
    core_lanes: tuple[tuple[Interval, ...], ...]
    gil_lane: tuple[Interval, ...]
    handoffs: tuple[Handoff, ...]
    drop_requests: tuple[DropRequest, ...]
    # A run of several processes has a GIL each: (pid, lane) for each, the first process's
    # first (``gil_lane`` is that one); empty in a run of one.
    process_gil_lanes: tuple[tuple[int, tuple[Interval, ...]], ...] = ()
    # The ``--gil`` kind the run had (``run_end``); without a GIL every GIL lane is empty.
    gil: str = "new"
    # A lane per watched reference count (``gilsim.analysis.refcounts``), if any.
    refcount_lanes: tuple[Any, ...] = ()

    @property
    def has_gil(self) -> bool:
        return self.gil not in WITHOUT_GIL

    def name(self, ident: int | None) -> str:
        for info in self.threads:
            if info.ident == ident:
                return info.name
        return "nobody" if ident is None else f"thread {ident:#x}"

    def thread_time(self, ident: int, state: str) -> int:
        """Nanoseconds ``ident`` spent in ``state``."""
        return sum(i.duration_ns for i in self.thread_lanes[ident] if i.state == state)


class _Lanes:
    """Builds intervals lane by lane: each lane has an open interval (state, since) that a
    change closes."""

    def __init__(self) -> None:
        self.done: dict[Any, list[Interval]] = {}
        self.open: dict[Any, tuple[str, int, int | None, str | None]] = {}

    def set(
        self,
        lane: Any,
        time_ns: int,
        state: str | None,
        thread: int | None = None,
        what: str | None = None,
    ) -> None:
        """From ``time_ns`` on, ``lane`` is in ``state`` (None: nothing to draw)."""
        current = self.open.get(lane)
        if current is not None and current[0] == state and current[2:] == (thread, what):
            return
        done = self.done.setdefault(lane, [])
        if current is not None:
            old, since, who, why = current
            if time_ns > since:
                last = done[-1] if done else None
                if (
                    last is not None
                    and last.end_ns == since
                    and (last.state, last.thread, last.what) == (old, who, why)
                ):
                    done[-1] = attrs.evolve(last, end_ns=time_ns)  # a change that came to nothing
                else:
                    done.append(Interval(since, time_ns, old, who, why))
        if state is None:
            self.open.pop(lane, None)
        else:
            self.open[lane] = (state, time_ns, thread, what)

    def occupant(self, lane: Any) -> int | None:
        current = self.open.get(lane)
        return current[2] if current is not None else None

    def close(self, end_ns: int) -> None:
        for lane in list(self.open):
            self.set(lane, end_ns, None)


def timeline_of(trace: Iterable[Mapping[str, Any]], cores: int | None = None) -> Timeline:
    """The lanes of a recorded run.  ``cores`` is needed only for a trace that does not end
    with ``run_end`` (a trace of an older gilsim, or of a machine driven by hand)."""
    trace = list(trace)
    # In a run of several processes each thread's process is named at the end: each
    # process has its own GIL lane, and a hand-off is between threads of one process.
    pid_of = {e["thread"]: e["pid"] for e in trace if e["event"] == "thread_name" and "pid" in e}
    pids = list(dict.fromkeys(pid_of.values()))

    def gil_of(ident: int) -> Any:
        return ("gil", pid_of[ident]) if ident in pid_of else "gil"

    lanes = _Lanes()
    state: dict[int, tuple[str, str | None, str | None]] = {}  # ident -> (state, wait, what)
    holds: dict[int, bool] = {}
    names: dict[int, str] = {}
    order: list[int] = []
    core_of: dict[int, int] = {}
    handoffs: list[Handoff] = []
    requests: list[DropRequest] = []
    # The last drop of each GIL: giver, time, forced, where, and what the giver did then.
    drops: dict[Any, _Drop | None] = {}
    interval_us: int | None = None
    gil = "new"
    end_ns = 0
    seen_cores = 0

    def update(ident: int, time_ns: int) -> None:
        if ident not in state:
            return  # a trace cut short before the thread's first state
        lanes.set(("thread", ident), time_ns, *_thread_state(state[ident], holds.get(ident)))

    for event in trace:
        time_ns = event["time_ns"]
        end_ns = max(end_ns, time_ns)
        kind = event["event"]
        ident: Any = event.get("thread")
        if kind == "thread_state":
            if ident not in state:
                order.append(ident)
            new = event["state"]
            state[ident] = (new, event["wait"], event["what"])
            dropped = drops.get(gil_of(ident))
            if dropped is not None and dropped.giver == ident and dropped.time_ns == time_ns:
                dropped.then = dropped.then or state[ident]
            if ident in core_of and (new != "running" or core_of[ident] != event["core"]):
                core = ("core", core_of.pop(ident))
                if lanes.occupant(core) == ident:  # not already taken by the next thread
                    lanes.set(core, time_ns, None)
            if new == "running":
                core_of[ident] = event["core"]
                seen_cores = max(seen_cores, event["core"] + 1)
                lanes.set(("core", event["core"]), time_ns, "running", ident)
            update(ident, time_ns)
        elif kind == "gil_take":
            holds[ident] = True
            gil = gil_of(ident)
            lanes.set(gil, time_ns, "held", ident)
            dropped = drops.get(gil)
            if dropped is not None and dropped.giver != ident:
                handoffs.append(dropped.handoff(time_ns, ident, Position.of(event)))
            drops[gil] = None
            update(ident, time_ns)
        elif kind == "gil_drop":
            holds[ident] = False
            gil = gil_of(ident)
            lanes.set(gil, time_ns, None)
            drops[gil] = _Drop(ident, time_ns, event["forced"], Position.of(event))
            update(ident, time_ns)
        elif kind in ("attach", "detach"):
            holds[ident] = kind == "attach"  # executing bytecode, with no GIL to hold
            update(ident, time_ns)
        elif kind == "process_exit" and ("gil", event["pid"]) in lanes.open:
            lanes.set(("gil", event["pid"]), time_ns, None)  # its GIL ends with it
        elif kind == "drop_request":
            requests.append(DropRequest(time_ns, ident, event["holder"]))
        elif kind == "thread_name":
            names[ident] = event["name"]
        elif kind == "run_end":
            cores = event["cores"] if cores is None else cores
            interval_us = event["switch_interval_us"]
            gil = event.get("gil", gil)
        elif kind == "switch_interval":
            interval_us = event["interval_us"]
    lanes.close(end_ns)
    cores = max(cores or 0, seen_cores)
    threads = tuple(
        ThreadInfo(ident, names.get(ident, f"thread {number}"), number, pid_of.get(ident))
        for number, ident in enumerate(order)
    )
    process_gil_lanes = tuple((pid, tuple(lanes.done.get(("gil", pid), ()))) for pid in pids)
    return Timeline(
        end_ns=end_ns,
        cores=cores,
        switch_interval_us=interval_us,
        threads=threads,
        thread_lanes={t: tuple(lanes.done.get(("thread", t), ())) for t in order},
        core_lanes=tuple(tuple(lanes.done.get(("core", c), ())) for c in range(cores)),
        gil_lane=process_gil_lanes[0][1] if pids else tuple(lanes.done.get("gil", ())),
        handoffs=tuple(handoffs),
        drop_requests=tuple(requests),
        process_gil_lanes=process_gil_lanes,
        gil=gil,
        refcount_lanes=refcount_lanes(trace),
    )


def _thread_state(
    now: tuple[str, str | None, str | None], holds: bool | None
) -> tuple[str | None, None, str | None]:
    """A thread's lane state from its machine state and whether it holds the GIL."""
    machine_state, wait, what = now
    if machine_state == "running":
        return ("running" if holds else "no_gil"), None, None
    if machine_state == "runnable":
        return "runnable", None, None
    if machine_state in ("blocked", "waking"):
        if wait == "gil":
            return "gil_wait", None, what
        if machine_state == "waking":
            return "waking", None, what
        return BLOCKED_STATES.get(wait or "", "lock"), None, what
    return None, None, None  # new or exited: nothing to draw


@attrs.define
class _Drop:
    """A drop of the GIL not yet followed by a take; ``then`` is the giver's next state if
    it changed in the same instant (it blocked in the call it released the GIL for, or
    ended)."""

    giver: int
    time_ns: int
    forced: bool
    where: Position | None
    then: tuple[str, str | None, str | None] | None = None

    def handoff(self, time_ns: int, taker: int, taken_at: Position | None) -> Handoff:
        return Handoff(time_ns, self.time_ns, self.giver, taker, self.cause(), self.where, taken_at)

    def cause(self) -> str:
        if self.forced:
            return "drop request"
        if self.then is None:
            return "voluntary"
        machine_state, wait, _ = self.then
        if machine_state == "exited":
            return "exit"
        if machine_state == "blocked" and wait != "gil":
            return "blocking call"
        return "voluntary"
