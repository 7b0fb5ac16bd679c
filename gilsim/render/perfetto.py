"""A run as a Chrome Trace Event Format file, the JSON that the Perfetto UI
(ui.perfetto.dev) and ``chrome://tracing`` open: ``gilsim run --perfetto run.json``.

The format is Google's "Trace Event Format" document
(https://docs.google.com/document/d/1CvAClvFfyA5R-PhYUmn5OOQtYMH4h6I0nSsKchNAySU).
Its viewers draw *processes* holding *threads*, a thread being a track of slices, so the
run is laid out as:

- one process per simulated process (today a run is one: pid 1, ``process_name``), with
  a track per simulated thread in order of start (``thread_sort_index``), its slices the
  thread's states (``gilsim.analysis.timeline``: running, waiting for the GIL, sleep...),
  and above them a ``GIL`` track whose slices are named after the holder;
- one more process, pid 0, ``machine (N cores)``: a track per core, its slices named after
  the thread that ran there, since cores belong to the machine, not to a process;
- counters (``"C"``): ``GIL waiters`` in each simulated process, ``run queue`` (threads
  runnable with no free core) in the machine, sampled when they change; ``refcount NAME``
  for each watched reference count (``--refcount NAME``) in the first process;
- flow arrows (``"s"``/``"f"``, category ``handoff``, named after the cause) for every
  pass of the GIL from one thread to another, and instant events (``"i"``) for drop
  requests on the requester's track.

Tracks are numbered (``tid``) from 1 across the whole file rather than by thread ident:
Perfetto reads a tid as a 32-bit number, which an ident overflows, and tids are
system-wide as on Linux (tid 1 of pid 1 is its main thread), so none is used in two
processes.

Slices are complete events (``"X"``) with ``ts`` and ``dur`` in microseconds.  A viewer
turns them back into nanoseconds, and a track's slices must nest there exactly: one that
starts a nanosecond before its neighbour ends is out of spec (Perfetto moves it to an
overflow track).  So each value is the float whose product by 1000 is the right
nanosecond whether the importer rounds it (Perfetto today) or truncates it (Perfetto's
importer before its 2025 rewrite): ``ns / 1000``, or the next float up in the few cases
(about 0.6 %) where that one's product falls just short.

Flow events bind to the slice enclosing them on their track (the format's "binding
point"), and Perfetto draws the arrow from the end of the start's slice to the beginning
of the end's.  At the very instant of a drop the giver's enclosing slice is already the
next one (slices are closed on the left, open on the right), so the arrow's start is put
1 ns before the drop, inside the slice that held the GIL; its end, at the take, binds
(``"bp": "e"``) to the taker's slice that begins there.  Events that share a timestamp are
written slices first, longest first, as Perfetto sorts them, so it sees the file in the
order it reads it.
"""

from __future__ import annotations

import bisect
import collections
import json
import math
import os
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

import attrs

from gilsim.analysis.timeline import Interval, Position, Timeline, timeline_of

PERFETTO_FORMAT = "gilsim-perfetto/1"
MACHINE_PID = 0
DEFAULT_PROCESS_NAME = "python (simulated)"

STATE_NAMES = {
    "running": "running (GIL held)",
    "no_gil": "running without the GIL",
    "gil_wait": "waiting for the GIL",
    "runnable": "runnable (no free core)",
    "waking": "waking up",
    "sleep": "sleep",
    "io": "blocked on I/O",
    "lock": "blocked on a lock",
}
"""A thread slice's name for each timeline state (its category is the state itself)."""

HANDOFF_CATEGORY = "handoff"

# Written order of events at one timestamp: metadata, slices (longest first, below),
# flows, instants, counters.  Perfetto's sorter puts complete events before every other
# kind at a tie, so a flow or an instant at the start of a slice lands in that slice.
_METADATA, _SLICE, _FLOW, _INSTANT, _COUNTER = range(5)


@attrs.frozen
class _Process:
    """A simulated process as laid out: its ``pid``, ``name``, ``timeline`` (its threads
    and its GIL), the ``tid`` of each of its threads (by ident) and of its GIL track."""

    pid: int
    name: str
    timeline: Timeline
    threads: Mapping[int, int]
    gil_tid: int


@attrs.define
class _Events:
    """The events of the file, each with the key that orders it."""

    keyed: list[tuple[int, int, int, dict[str, Any]]] = attrs.field(factory=list)
    flows: int = 0

    def flow_id(self) -> int:
        """A new flow id, unique in the file."""
        self.flows += 1
        return self.flows

    def add(self, ts_ns: int, kind: int, event: dict[str, Any], dur_ns: int = 0) -> None:
        self.keyed.append((ts_ns, kind, -dur_ns, event))

    def in_order(self) -> list[dict[str, Any]]:
        # A stable sort on the key alone: ties keep the order they were made in.
        return [event for *_, event in sorted(self.keyed, key=lambda entry: entry[:3])]


def perfetto_trace(
    trace: Sequence[Mapping[str, Any]], *, process_name: str = DEFAULT_PROCESS_NAME
) -> dict[str, Any]:
    """The Trace Event Format object of a recorded run (``trace``: its events), its
    simulated process named ``process_name``."""
    timeline = timeline_of(trace)
    positions = _gil_positions(trace)
    processes = _processes(timeline, process_name)
    core_tids = _core_tids(timeline, processes)
    events = _Events()
    for index, process in enumerate(processes):
        _process_events(events, process, index, positions)
    _machine_events(events, timeline, processes, core_tids)
    if processes:
        _refcount_counters(events, processes[0], timeline)
    return {
        "traceEvents": events.in_order(),
        "displayTimeUnit": "ns",
        "otherData": {
            "format": PERFETTO_FORMAT,
            "cores": timeline.cores,
            "switch_interval_us": timeline.switch_interval_us,
            "virtual_time_ns": timeline.end_ns,
        },
    }


def write_perfetto(
    path: str | os.PathLike[str],
    trace: Sequence[Mapping[str, Any]],
    *,
    process_name: str = DEFAULT_PROCESS_NAME,
) -> None:
    """Write ``perfetto_trace(trace)`` to ``path``: one event a line, so that the file
    can be read and diffed as well as loaded."""
    document = perfetto_trace(trace, process_name=process_name)
    with open(path, "w", encoding="utf-8") as handle:
        handle.write('{"traceEvents":[\n')
        handle.write(",\n".join(_dumps(event) for event in document["traceEvents"]))
        handle.write("\n],\n")
        handle.write(f'"displayTimeUnit":{_dumps(document["displayTimeUnit"])},\n')
        handle.write(f'"otherData":{_dumps(document["otherData"])}}}\n')


def micros(ns: int) -> float:
    """``ns`` nanoseconds as microseconds: the float ``x`` for which both ``round(x *
    1000)`` and ``math.trunc(x * 1000)`` are ``ns``."""
    us = ns / 1000  # the nearest float, so rounding its product is exact already
    for _ in range(4):
        if math.trunc(us * 1000) == ns:
            return us
        us = math.nextafter(us, math.inf)
    raise ValueError(f"{ns} ns has no exact microsecond float")


def _processes(timeline: Timeline, process_name: str) -> list[_Process]:
    """The simulated processes of the run and their tracks' tids.  A run of one process is
    pid 1, and its timeline is the run's.  A run of several (fork, spawn) is split between
    them, pids 1, 2... in order of start, each with its own threads and its own GIL's lane,
    tids numbered on from the last process's."""
    # tid 1 is pid 1's main thread, as on Linux, which Perfetto takes it to be.
    if not timeline.process_gil_lanes:
        threads = {info.ident: 1 + number for number, info in enumerate(timeline.threads)}
        return [_Process(1, process_name, timeline, threads, gil_tid=len(threads) + 1)]
    processes = []
    tid = 1
    for number, (pid, gil_lane) in enumerate(timeline.process_gil_lanes, start=1):
        threads = {}
        for info in timeline.threads:
            if info.pid == pid:
                threads[info.ident] = tid
                tid += 1
        name = f"{process_name} (pid {pid})"
        own = attrs.evolve(timeline, gil_lane=gil_lane)
        processes.append(_Process(number, name, own, threads, gil_tid=tid))
        tid += 1
    return processes


def _core_tids(timeline: Timeline, processes: Sequence[_Process]) -> list[int]:
    """The tid of each core's track: after every process's tracks."""
    first = 1 + max((p.gil_tid for p in processes), default=0)
    return [first + core for core in range(timeline.cores)]


def _process_events(
    events: _Events,
    process: _Process,
    index: int,
    positions: Mapping[tuple[int, int], Sequence[Position | None]],
) -> None:
    """A simulated process's names, thread and GIL tracks, flows, instants and counter."""
    timeline = process.timeline
    pid, main_tid = process.pid, min(process.threads.values(), default=process.gil_tid)
    events.add(0, _METADATA, _metadata("process_name", pid, main_tid, process.name))
    events.add(0, _METADATA, _metadata("process_sort_index", pid, main_tid, index))
    events.add(0, _METADATA, _metadata("thread_name", pid, process.gil_tid, "GIL"))
    events.add(0, _METADATA, _metadata("thread_sort_index", pid, process.gil_tid, 0))
    for info in timeline.threads:
        if info.ident not in process.threads:
            continue
        tid = process.threads[info.ident]
        events.add(0, _METADATA, _metadata("thread_name", pid, tid, info.name))
        sort_index = 1 + info.number
        events.add(0, _METADATA, _metadata("thread_sort_index", pid, tid, sort_index))
        for interval in timeline.thread_lanes[info.ident]:
            args = _interval_args(interval, info.ident, positions)
            name = STATE_NAMES.get(interval.state, interval.state)
            _add_slice(events, pid, tid, interval, name, interval.state, args)
    for interval in timeline.gil_lane:
        holder = timeline.name(interval.thread)
        args = {"holder": holder}
        if interval.thread is not None:
            args |= _interval_args(interval, interval.thread, positions)
        _add_slice(events, pid, process.gil_tid, interval, holder, "gil", args)
    _handoff_flows(events, process)
    for request in timeline.drop_requests:
        if request.requester not in process.threads:
            continue
        instant = _event(
            "i", "drop request", "gil", pid, process.threads[request.requester], request.time_ns
        )
        instant["s"] = "t"
        instant["args"] = {"holder": timeline.name(request.holder)}
        events.add(request.time_ns, _INSTANT, instant)
    waits = (
        interval
        for ident in process.threads
        for interval in timeline.thread_lanes[ident]
        if interval.state == "gil_wait"
    )
    _add_counter(events, pid, main_tid, "GIL waiters", "count", waits)


def _machine_events(
    events: _Events, timeline: Timeline, processes: Sequence[_Process], core_tids: Sequence[int]
) -> None:
    """The machine's process: a track per core, and the run queue's length."""
    pid, first_tid = MACHINE_PID, core_tids[0] if core_tids else 1
    cores = f"{timeline.cores} core" + ("" if timeline.cores == 1 else "s")
    events.add(0, _METADATA, _metadata("process_name", pid, first_tid, f"machine ({cores})"))
    sort_index = len(processes)
    events.add(0, _METADATA, _metadata("process_sort_index", pid, first_tid, sort_index))
    owner = {ident: p.name for p in processes for ident in p.threads}
    for core, (tid, lane) in enumerate(zip(core_tids, timeline.core_lanes, strict=True)):
        events.add(0, _METADATA, _metadata("thread_name", pid, tid, f"core {core}"))
        events.add(0, _METADATA, _metadata("thread_sort_index", pid, tid, core))
        for interval in lane:
            name = timeline.name(interval.thread)
            args = {"thread": name}
            if interval.thread in owner:
                args["process"] = owner[interval.thread]
            _add_slice(events, pid, tid, interval, name, "core", args)
    queued = (
        interval
        for lane in timeline.thread_lanes.values()
        for interval in lane
        if interval.state == "runnable"
    )
    _add_counter(events, pid, first_tid, "run queue", "length", queued)


def _refcount_counters(events: _Events, process: _Process, timeline: Timeline) -> None:
    """A counter ``refcount NAME`` per watched name (``gilsim run --refcount``), in the
    first process (the one whose globals are watched), sampled at each change; a freed
    object's count drops to 0.  Without a GIL, a process-wide instant ``NAME: update
    lost`` (``freed while in use``, ``used after free``, ``leaked``) where one happened."""
    pid, tid = process.pid, min(process.threads.values(), default=process.gil_tid)
    for lane in timeline.refcount_lanes:
        for time_ns, count in lane.steps:
            counter = _event("C", f"refcount {lane.name}", "refcount", pid, tid, time_ns)
            counter["args"] = {"count": count}
            events.add(time_ns, _COUNTER, counter)
        # What went wrong without a GIL, as instants on the process's track.
        marks = [
            ((time_ns, None) for time_ns in lane.lost),
            lane.early,
            lane.used,
            lane.leaked,
        ]
        whats = ("update lost", "freed while in use", "used after free", "leaked")
        for what, times in zip(whats, marks, strict=True):
            for time_ns, number in times:
                instant = _event("i", f"{lane.name}: {what}", "refcount", pid, tid, time_ns)
                instant["s"] = "p"
                if number is not None:
                    instant["args"] = {"object": number}
                events.add(time_ns, _INSTANT, instant)


def _handoff_flows(events: _Events, process: _Process) -> None:
    """An arrow for each pass of ``process``'s GIL from one of its threads to another,
    from the giver's slice that held it to the taker's that took it."""
    timeline = process.timeline
    slices = {ident: _drawn(timeline.thread_lanes[ident]) for ident in process.threads}
    starts = {ident: [i.start_ns for i in drawn] for ident, drawn in slices.items()}

    def enclosing(ident: int, time_ns: int) -> Interval | None:
        index = bisect.bisect_right(starts[ident], time_ns) - 1
        found = slices[ident][index] if index >= 0 else None
        return found if found is not None and time_ns < found.end_ns else None

    for handoff in timeline.handoffs:
        giver, taker = handoff.giver, handoff.taker
        if giver not in process.threads or taker not in process.threads:
            continue
        out_ns = handoff.dropped_ns - 1  # inside the slice the drop ends: see the docstring
        if enclosing(giver, out_ns) is None or enclosing(taker, handoff.time_ns) is None:
            continue  # no slice to hang the arrow on (the giver held the GIL for no time)
        tids = process.threads
        begin = _event("s", handoff.cause, HANDOFF_CATEGORY, process.pid, tids[giver], out_ns)
        end = _event(
            "f", handoff.cause, HANDOFF_CATEGORY, process.pid, tids[taker], handoff.time_ns
        )
        begin["id"] = end["id"] = events.flow_id()
        end["bp"] = "e"
        events.add(out_ns, _FLOW, begin)
        events.add(handoff.time_ns, _FLOW, end)


def _drawn(lane: Iterable[Interval]) -> list[Interval]:
    """The intervals of a lane that become slices: zero-length ones have nothing to show."""
    return [interval for interval in lane if interval.end_ns > interval.start_ns]


def _add_slice(
    events: _Events,
    pid: int,
    tid: int,
    interval: Interval,
    name: str,
    category: str,
    args: dict[str, Any],
) -> None:
    if interval.end_ns <= interval.start_ns:
        return
    event = _event("X", name, category, pid, tid, interval.start_ns)
    event["dur"] = micros(interval.duration_ns)
    if args:
        event["args"] = args
    events.add(interval.start_ns, _SLICE, event, interval.duration_ns)


def _add_counter(
    events: _Events, pid: int, tid: int, name: str, key: str, intervals: Iterable[Interval]
) -> None:
    """A counter of how many of ``intervals`` are open, from 0 at time 0, sampled when
    it changes."""
    for time_ns, value in _steps(intervals):
        counter = _event("C", name, "counter", pid, tid, time_ns)
        counter["args"] = {key: value}
        events.add(time_ns, _COUNTER, counter)


def _steps(intervals: Iterable[Interval]) -> list[tuple[int, int]]:
    """``(time, count)`` of the intervals open from ``time`` on, starting with ``(0, 0)``,
    only where the count changes."""
    deltas: collections.Counter[int] = collections.Counter()
    for interval in intervals:
        if interval.end_ns > interval.start_ns:
            deltas[interval.start_ns] += 1
            deltas[interval.end_ns] -= 1
    steps = [(0, 0)]
    count = 0
    for time_ns in sorted(deltas):
        if deltas[time_ns] == 0:
            continue  # one interval ended as another began
        count += deltas[time_ns]
        if steps[-1][0] == time_ns:
            steps[-1] = (time_ns, count)
        else:
            steps.append((time_ns, count))
    return steps


def _interval_args(
    interval: Interval, ident: int, positions: Mapping[tuple[int, int], Sequence[Position | None]]
) -> dict[str, Any]:
    """What a slice's args panel shows: what the thread waited for, and where it was when
    the slice began and ended, when a take or drop of the GIL at that instant says so."""
    args: dict[str, Any] = {}
    if interval.what is not None:
        args["what"] = interval.what
    # The last GIL event of the instant the slice begins with, the first of the one it
    # ends with: a thread can drop and take the GIL back at one instant.
    began = positions.get((ident, interval.start_ns), ())
    ended = positions.get((ident, interval.end_ns), ())
    if began and began[-1] is not None:
        args["from"] = _where(began[-1])
    if ended and ended[0] is not None:
        args["to"] = _where(ended[0])
    return args


def _gil_positions(
    trace: Iterable[Mapping[str, Any]],
) -> dict[tuple[int, int], list[Position | None]]:
    """Where each thread was at each of its takes and drops of the GIL, by (ident, time),
    in the order they happened."""
    positions: dict[tuple[int, int], list[Position | None]] = {}
    for event in trace:
        if event["event"] in ("gil_take", "gil_drop"):
            key = (event["thread"], event["time_ns"])
            positions.setdefault(key, []).append(Position.of(event))
    return positions


def _where(position: Position) -> str:
    """``convoy.py:21 POP_JUMP_FORWARD_IF_FALSE in spin()``."""
    place = os.path.basename(position.file) if position.file else "?"
    text = f"{place}:{position.line} {position.opname}"
    return f"{text} in {position.function}()" if position.function else text


def _event(phase: str, name: str, category: str, pid: int, tid: int, ts_ns: int) -> dict[str, Any]:
    return {"ph": phase, "name": name, "cat": category, "pid": pid, "tid": tid, "ts": micros(ts_ns)}


def _metadata(kind: str, pid: int, tid: int, value: str | int) -> dict[str, Any]:
    """A ``process_name``, ``thread_name`` (``value``: the name) or ``*_sort_index``
    metadata event."""
    key = "sort_index" if kind.endswith("sort_index") else "name"
    return {"ph": "M", "name": kind, "pid": pid, "tid": tid, "ts": 0.0, "args": {key: value}}


def _dumps(value: Any) -> str:
    return json.dumps(value, separators=(",", ":"), ensure_ascii=False)
