"""The schedule graph of a run: ``trace -> networkx.MultiDiGraph``, a pure function of
the recorded trace (and of the race reports, for race edges).  A ``MultiDiGraph`` is a
``DiGraph`` whose two nodes may be joined by more than one edge: a hand-off and a race
between the same two segments are two facts.

Nodes are numbered in the order they begin, which is also time order; every edge goes from
a lower number to a higher one, so the graph is acyclic by construction (a property test
checks it).  Each node has a ``kind``:

``"run"``
    A *run segment*: a thread executing on a core while holding the GIL, between two
    scheduling events of that thread (taking or dropping the GIL, leaving or reaching a
    core, a lock operation, starting a thread).  Attributes: ``thread`` (ident),
    ``thread_name``, ``core``, ``start_ns``, ``end_ns``, ``start_at`` and ``end_at``
    (``gilsim.analysis.timeline.Position`` where the thread was, or None when the trace
    does not say).
``"thread_start"``, ``"lock_acquire"``, ``"lock_release"``, ``"drop_request"``, ``"thread_exit"``
    A synchronisation event of one thread at ``time_ns`` (``start_ns == end_ns ==
    time_ns``), with ``thread``, ``thread_name`` and ``at`` (a Position or None);
    ``thread_start`` has ``child``; the lock events ``lock`` (serial number), ``lock_name``,
    ``library`` (made by a library module's body: ``threading``'s own bookkeeping) and
    ``sentinel_of`` (the thread whose end the lock stands for: ``join`` waits for it);
    ``drop_request`` has ``holder``.

Every node has ``start_ns`` and ``end_ns``.  Each edge has a ``kind``:

``"program order"``
    From one node of a thread to its next.
``"handoff"``
    The GIL passed: from the giver's run segment that ended with the drop to the taker's
    segment that began with the take.  ``cause`` is ``"drop request"`` (the holder dropped
    at a check point because a waiter timed out after a switch interval), ``"blocking
    call"`` (released around a call that blocked), ``"exit"`` or ``"voluntary"``
    (``gilsim.analysis.timeline``); ``dropped_ns`` and ``taken_ns`` say when.
``"lock"``
    A lock's release to its next acquire by another thread (``lock``, ``lock_name``).
``"join"``
    A thread's end (the release of its sentinel lock) to the ``join`` that waited for it.
``"start"``
    ``Thread.start()`` to the new thread's first node.
``"race"``
    Between the run segments of two conflicting accesses of a race report, earlier to later
    (``place``, ``race`` = the report's kind), when race reports are given.
"""

from __future__ import annotations

import bisect
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

import networkx as nx

from gilsim.analysis.timeline import Position, Timeline, timeline_of

RUN = "run"
SYNC_EVENTS = {
    "thread_start": "thread_start",
    "lock_acquire": "lock_acquire",
    "lock_release": "lock_release",
    "drop_request": "drop_request",
}


class _Builder:
    """Walks the trace once, keeping per thread whether it is on a core and holds the GIL,
    its open run segment and its last node."""

    def __init__(self, names: Mapping[int, str], causes: Mapping[tuple[int, int], str]) -> None:
        self.graph = nx.MultiDiGraph()
        self.names = names
        self.causes = causes  # (taker, take time) -> why the GIL was given up (the timeline's)
        self.core: dict[int, int | None] = {}
        self.holds: dict[int, bool] = {}
        self.segment: dict[int, int] = {}  # thread -> its open run segment
        self.last: dict[int, int] = {}  # thread -> its latest node
        self.dropped: tuple[int, int] | None = None  # the segment that ended with a drop
        self.started: dict[int, int] = {}  # child -> the thread_start node that made it
        self.released: dict[int, int] = {}  # lock -> its latest release node
        self.segments: dict[int, list[int]] = {}  # thread -> its run segments, in order
        self.numbers = 0

    def node(self, thread: int, kind: str, start_ns: int, **attributes: Any) -> int:
        number = self.numbers
        self.numbers += 1
        self.graph.add_node(
            number,
            kind=kind,
            thread=thread,
            thread_name=self.names.get(thread, f"thread {thread:#x}"),
            start_ns=start_ns,
            end_ns=start_ns,
            **attributes,
        )
        previous = self.last.get(thread)
        if previous is not None:
            self.graph.add_edge(previous, number, kind="program order")
        elif thread in self.started:
            self.graph.add_edge(self.started.pop(thread), number, kind="start")
        self.last[thread] = number
        return number

    # -- run segments -------------------------------------------------------------------

    def open(self, thread: int, time_ns: int, at: Position | None) -> int | None:
        if thread in self.segment or self.core.get(thread) is None or not self.holds.get(thread):
            return None
        number = self.node(thread, RUN, time_ns, core=self.core[thread], start_at=at, end_at=None)
        self.segment[thread] = number
        self.segments.setdefault(thread, []).append(number)
        return number

    def close(self, thread: int, time_ns: int, at: Position | None) -> int | None:
        number = self.segment.pop(thread, None)
        if number is not None:
            attributes = self.graph.nodes[number]
            attributes["end_ns"] = time_ns
            attributes["end_at"] = at
        return number

    def split(self, thread: int, time_ns: int, at: Position | None) -> None:
        """End the open segment at a synchronisation event; an empty one that nothing but
        program order reaches is dropped (a lock taken at the very start of a segment)."""
        number = self.close(thread, time_ns, at)
        if number is None:
            return
        attributes = self.graph.nodes[number]
        inward = {kind for *_, kind in self.graph.in_edges(number, data="kind")}
        if attributes["start_ns"] == time_ns and inward <= {"program order"}:
            predecessors = list(self.graph.predecessors(number))
            self.graph.remove_node(number)
            self.segments[thread].pop()
            if predecessors:
                self.last[thread] = predecessors[0]
            else:
                del self.last[thread]

    # -- events -------------------------------------------------------------------------

    def feed(self, event: Mapping[str, Any]) -> None:
        kind, time_ns = event["event"], event["time_ns"]
        thread: Any = event.get("thread")
        at = Position.of(event)
        if kind == "thread_state":
            self.on_state(thread, time_ns, event)
        elif kind == "gil_take":
            self.holds[thread] = True
            number = self.open(thread, time_ns, at)
            if self.dropped is not None and number is not None:
                giver, segment = self.dropped
                if giver != thread:
                    self.handoff(segment, number, thread, time_ns)
            self.dropped = None
        elif kind == "gil_drop":
            self.holds[thread] = False
            ended = self.close(thread, time_ns, at)
            self.dropped = (thread, ended) if ended is not None else None
        elif kind in SYNC_EVENTS:
            self.on_sync(thread, kind, time_ns, at, event)

    def on_state(self, thread: int, time_ns: int, event: Mapping[str, Any]) -> None:
        state = event["state"]
        if state == "running":
            self.core[thread] = event["core"]
            self.open(thread, time_ns, None)
            return
        self.core[thread] = None
        self.close(thread, time_ns, None)
        if state == "exited":
            self.node(thread, "thread_exit", time_ns, at=None)

    def handoff(self, giver_segment: int, taker_segment: int, taker: int, time_ns: int) -> None:
        self.graph.add_edge(
            giver_segment,
            taker_segment,
            kind="handoff",
            cause=self.causes[taker, time_ns],
            dropped_ns=self.graph.nodes[giver_segment]["end_ns"],
            taken_ns=time_ns,
        )

    def on_sync(
        self, thread: int, kind: str, time_ns: int, at: Position | None, event: Mapping[str, Any]
    ) -> None:
        self.split(thread, time_ns, at)
        attributes: dict[str, Any] = {"at": at}
        if kind == "thread_start":
            attributes["child"] = event["child"]
        elif kind == "drop_request":
            attributes["holder"] = event["holder"]
        else:
            attributes.update(
                lock=event["lock"],
                lock_name=event["name"],
                library=event["library"],
                sentinel_of=event["sentinel_of"],
            )
        number = self.node(thread, kind, time_ns, **attributes)
        if kind == "thread_start":
            self.started[event["child"]] = number
        elif kind == "lock_release":
            self.released[event["lock"]] = number
        elif kind == "lock_acquire":
            self.lock_edge(event["lock"], number)
        self.open(thread, time_ns, at)

    def lock_edge(self, lock: int, acquire: int) -> None:
        release = self.released.get(lock)
        if release is None:
            return
        giver = self.graph.nodes[release]
        taker = self.graph.nodes[acquire]
        if giver["thread"] == taker["thread"]:
            return
        joined = giver["sentinel_of"] is not None and giver["sentinel_of"] == giver["thread"]
        self.graph.add_edge(
            release,
            acquire,
            kind="join" if joined else "lock",
            lock=lock,
            lock_name=giver["lock_name"],
        )

    # -- race edges ---------------------------------------------------------------------

    def segment_at(self, thread: int, time_ns: int) -> int | None:
        """The run segment of ``thread`` that contains ``time_ns``."""
        numbers = self.segments.get(thread, [])
        starts = [self.graph.nodes[n]["start_ns"] for n in numbers]
        index = bisect.bisect_right(starts, time_ns) - 1
        while index >= 0:
            attributes = self.graph.nodes[numbers[index]]
            if attributes["start_ns"] <= time_ns <= attributes["end_ns"]:
                return numbers[index]
            if attributes["end_ns"] < time_ns:
                return None
            index -= 1
        return None

    def race_edges(self, reports: Iterable[Any]) -> None:
        for report in reports:
            accesses = sorted(report.accesses, key=lambda a: a.time_ns)
            for earlier, later in zip(accesses, accesses[1:], strict=False):
                if earlier.ident == later.ident:
                    continue
                source = self.segment_at(earlier.ident, earlier.time_ns)
                target = self.segment_at(later.ident, later.time_ns)
                if source is None or target is None or source >= target:
                    continue
                self.graph.add_edge(
                    source, target, kind="race", place=report.place, race=report.kind
                )


def schedule_graph(
    trace: Sequence[Mapping[str, Any]],
    races: Iterable[Any] = (),
    timeline: Timeline | None = None,
) -> nx.MultiDiGraph:
    """The schedule graph of a run from its trace (``trace=True``); ``races`` are its race
    reports (``gilsim.races.RaceReport``, from a run with ``races=True``) for race edges;
    ``timeline`` is the run's ``timeline_of(trace)``, if it has already been made.
    The graph's own attributes: ``end_ns``, ``cores``, ``threads`` (ident to name, in order
    of start)."""
    if timeline is None:
        timeline = timeline_of(trace)
    names = {info.ident: info.name for info in timeline.threads}
    causes = {(h.taker, h.time_ns): h.cause for h in timeline.handoffs}
    builder = _Builder(names, causes)
    for event in trace:
        builder.feed(event)
    builder.race_edges(races)
    graph = builder.graph
    graph.graph.update(end_ns=timeline.end_ns, cores=timeline.cores, threads=names)
    return graph
