"""The Perfetto / Chrome Trace Event Format file of a run (``gilsim.render.perfetto``),
checked on real runs as an importer reads it: timestamps back to integer nanoseconds,
slices nesting per track, flows binding to the slices around them."""

from __future__ import annotations

import collections
import json
import math
import os
import re
from collections.abc import Iterable
from typing import Any

import pytest

import gilsim
from gilsim.analysis.timeline import Timeline, timeline_of
from gilsim.render.perfetto import (
    MACHINE_PID,
    PERFETTO_FORMAT,
    STATE_NAMES,
    micros,
    perfetto_trace,
    write_perfetto,
)

# Two workers that take a lock and sleep now and then, while the main thread counts, then
# joins them: sleep, lock, waking and GIL waits, hand-offs on blocking calls and exits.
LOCKS = """
import threading, time

lock = threading.Lock()
total = 0

def work(n):
    global total
    for i in range(n):
        with lock:
            total += i
        if i % 40 == 0:
            time.sleep(0.0001)

threads = [threading.Thread(target=work, args=(200,)) for _ in range(2)]
for t in threads:
    t.start()
x = 0
for i in range(3000):
    x += i
for t in threads:
    t.join()
print(total)
"""

# CPU-bound threads with a short switch interval: drop requests and forced switches.
SPIN = """
import threading

def spin(n):
    while n > 0:
        n -= 1

threads = [threading.Thread(target=spin, args=(20000,)) for _ in range(3)]
for t in threads:
    t.start()
for t in threads:
    t.join()
print("done")
"""

RUNS = {
    "locks": dict(source=LOCKS),
    "locks-1-core": dict(source=LOCKS, cores=1),  # threads queue for the core
    "spin": dict(source=SPIN, switch_interval_ns="200us", seed=7),
    "example": dict(path="examples/cpu_bound_threads.py"),
}


class Run:
    """A recorded run, its timeline and its Perfetto document."""

    def __init__(self, **options: Any) -> None:
        self.result = gilsim.run(trace=True, **options)
        assert self.result.exit_status == 0, self.result.stderr
        self.trace = self.result.trace
        assert self.trace is not None
        self.timeline: Timeline = timeline_of(self.trace)
        self.document = perfetto_trace(self.trace, process_name="python test (simulated process)")
        self.events: list[dict[str, Any]] = self.document["traceEvents"]

    def of(self, phase: str) -> list[dict[str, Any]]:
        return [e for e in self.events if e["ph"] == phase]

    def metadata(self, name: str) -> dict[tuple[int, int], Any]:
        """(pid, tid) -> the value of each metadata event ``name``."""
        return {
            (e["pid"], e["tid"]): next(iter(e["args"].values()))
            for e in self.of("M")
            if e["name"] == name
        }

    def thread_tids(self) -> dict[str, int]:
        """Thread name -> tid of its track in the simulated process."""
        names = self.metadata("thread_name")
        return {name: tid for (pid, tid), name in names.items() if pid == 1}

    def slices(self, pid: int, tid: int) -> list[tuple[int, int, dict[str, Any]]]:
        """(start_ns, end_ns, event) of the track's complete events, as an importer reads them."""
        return [
            (ns(e["ts"]), ns(e["ts"]) + ns(e["dur"]), e)
            for e in self.of("X")
            if (e["pid"], e["tid"]) == (pid, tid)
        ]


@pytest.fixture(scope="module", params=sorted(RUNS))
def run(request: pytest.FixtureRequest) -> Run:
    return Run(**RUNS[request.param])


@pytest.fixture(scope="module")
def spin() -> Run:
    return Run(**RUNS["spin"])


@pytest.fixture(scope="module")
def one_core() -> Run:
    return Run(**RUNS["locks-1-core"])


def ns(us: float) -> int:
    """Microseconds back to nanoseconds as Perfetto reads them (``llround(x * 1000)``);
    also what importers that truncate get, or the test fails."""
    assert math.trunc(us * 1000) == round(us * 1000), us
    return round(us * 1000)


def test_every_event_has_the_fields_of_its_phase(run: Run) -> None:
    assert set(run.document) == {"traceEvents", "displayTimeUnit", "otherData"}
    assert run.document["displayTimeUnit"] == "ns"
    assert run.document["otherData"]["format"] == PERFETTO_FORMAT
    assert run.document["otherData"]["cores"] == run.timeline.cores
    assert run.document["otherData"]["switch_interval_us"] == run.timeline.switch_interval_us
    for event in run.events:
        assert {"ph", "name", "pid", "tid", "ts"} <= set(event), event
        assert isinstance(event["name"], str) and event["name"], event
        assert isinstance(event["pid"], int) and event["pid"] >= 0, event
        # Perfetto reads tids as 32-bit numbers and takes tid 0 for "none".
        assert isinstance(event["tid"], int) and 0 < event["tid"] < 2**31, event
        assert isinstance(event["ts"], float) and event["ts"] >= 0, event
        if event["ph"] == "X":
            assert isinstance(event["dur"], float) and event["dur"] > 0, event
            assert event["cat"]
        elif event["ph"] in "sf":
            assert isinstance(event["id"], int) and event["cat"] == "handoff"
        elif event["ph"] == "i":
            assert event["s"] == "t"
        elif event["ph"] == "C":
            assert len(event["args"]) == 1
        else:
            assert event["ph"] == "M", event


def test_the_written_file_is_the_document(run: Run, tmp_path: Any) -> None:
    path = tmp_path / "run.json"
    write_perfetto(str(path), run.trace, process_name="python test (simulated process)")
    assert json.loads(path.read_text(encoding="utf-8")) == run.document


def test_one_process_per_simulated_process_and_the_machine(run: Run) -> None:
    names = {pid: name for (pid, _), name in run.metadata("process_name").items()}
    cores = run.timeline.cores
    plural = "s" if cores != 1 else ""
    assert names == {
        1: "python test (simulated process)",
        MACHINE_PID: f"machine ({cores} core{plural})",
    }
    assert {e["pid"] for e in run.events} == {1, MACHINE_PID}
    # A tid is one track: never in two processes.
    pid_of: dict[int, int] = {}
    for event in run.events:
        assert pid_of.setdefault(event["tid"], event["pid"]) == event["pid"], event


def test_every_thread_has_a_track_named_after_it_with_slices(run: Run) -> None:
    tids = run.thread_tids()
    threads = run.result.summary["threads"]
    assert set(tids) == {t["name"] for t in threads} | {"GIL"}
    assert len(tids) == len(threads) + 1
    order = run.metadata("thread_sort_index")
    assert [order[1, tids[t["name"]]] for t in threads] == sorted(
        order[1, tids[t["name"]]] for t in threads
    )
    for thread in threads:
        assert run.slices(1, tids[thread["name"]]), thread["name"]
    cores = {
        name: tid for (pid, tid), name in run.metadata("thread_name").items() if pid == MACHINE_PID
    }
    assert set(cores) == {f"core {c}" for c in range(run.timeline.cores)}


def test_slices_nest_on_every_track_in_integer_nanoseconds(run: Run) -> None:
    tracks = {(e["pid"], e["tid"]) for e in run.events if e["ph"] in "Xi"}
    for pid, tid in tracks:
        spans = [(start, end) for start, end, _ in run.slices(pid, tid)]
        spans += [(ns(e["ts"]),) * 2 for e in run.of("i") if (e["pid"], e["tid"]) == (pid, tid)]
        # Perfetto's slice stack: a slice ended at or before a new one's start is closed
        # (only instants at one instant stack), and a slice must end inside its parent.
        stack: list[tuple[int, int]] = []
        for start, end in sorted(spans, key=lambda span: (span[0], span[0] - span[1])):
            while stack and (
                stack[-1][1] < start
                or (stack[-1][1] == start and (stack[-1][0], end) != (start, start))
            ):
                stack.pop()
            assert not stack or end <= stack[-1][1], (pid, tid, (start, end), stack[-1])
            stack.append((start, end))


def test_thread_slices_are_the_timeline_intervals(run: Run) -> None:
    tids = run.thread_tids()
    for info in run.timeline.threads:
        drawn = [i for i in run.timeline.thread_lanes[info.ident] if i.duration_ns > 0]
        slices = run.slices(1, tids[info.name])
        assert [(s, e, ev["cat"]) for s, e, ev in slices] == [
            (i.start_ns, i.end_ns, i.state) for i in drawn
        ]
        assert all(ev["name"] == STATE_NAMES[ev["cat"]] for *_, ev in slices)
        assert sum(e - s for s, e, _ in slices) == sum(i.duration_ns for i in drawn)
        for state in STATE_NAMES:
            in_state = sum(e - s for s, e, ev in slices if ev["cat"] == state)
            assert in_state == run.timeline.thread_time(info.ident, state), (info.name, state)


def test_the_gil_and_core_tracks_show_who_held_and_who_ran(run: Run) -> None:
    tids = run.thread_tids()
    gil = [(s, e, ev["name"]) for s, e, ev in run.slices(1, tids["GIL"])]
    assert gil == [
        (i.start_ns, i.end_ns, run.timeline.name(i.thread))
        for i in run.timeline.gil_lane
        if i.duration_ns
    ]
    cores = {
        name: tid for (pid, tid), name in run.metadata("thread_name").items() if pid == MACHINE_PID
    }
    for core, lane in enumerate(run.timeline.core_lanes):
        slices = [(s, e, ev["name"]) for s, e, ev in run.slices(MACHINE_PID, cores[f"core {core}"])]
        assert slices == [
            (i.start_ns, i.end_ns, run.timeline.name(i.thread)) for i in lane if i.duration_ns
        ]


def test_running_slices_say_where_they_began_and_ended(run: Run) -> None:
    where = re.compile(r"^\S+:\d+ [A-Z_0-9]+( in \S+\(\))?$")
    running = [e for e in run.of("X") if e["cat"] == "running"]
    said = [e["args"][key] for e in running for key in ("from", "to") if key in e.get("args", {})]
    assert said and all(where.match(text) for text in said), said[:5]
    # Each hand-off's positions, as the raw gil_drop and gil_take events give them, are
    # where the giver's running slice ends and the taker's begins.
    tids = run.thread_tids()
    by_end = {(e["tid"], ns(e["ts"]) + ns(e["dur"])): e for e in running}
    by_start = {(e["tid"], ns(e["ts"])): e for e in running}
    checked = 0
    for handoff in run.timeline.handoffs:
        giver = by_end[tids[run.timeline.name(handoff.giver)], handoff.dropped_ns]
        taker = by_start[tids[run.timeline.name(handoff.taker)], handoff.time_ns]
        for slice_, key, position in (
            (giver, "to", handoff.given_at),
            (taker, "from", handoff.taken_at),
        ):
            if position is None:
                assert key not in slice_.get("args", {})
            else:
                file = os.path.basename(position.file or "?")
                text = f"{file}:{position.line} {position.opname} in {position.function}()"
                assert slice_["args"][key] == text
                checked += 1
    assert checked > 0


def _enclosing(run: Run, event: dict[str, Any]) -> tuple[int, int, dict[str, Any]]:
    """The slice an importer binds a flow event to: the one around its timestamp on its
    track (slices are closed on the left, open on the right)."""
    at = ns(event["ts"])
    around = [s for s in run.slices(event["pid"], event["tid"]) if s[0] <= at < s[1]]
    assert len(around) == 1, event
    return around[0]


def test_handoffs_are_flows_between_the_slices_that_passed_the_gil(run: Run) -> None:
    flows: dict[int, dict[str, dict[str, Any]]] = collections.defaultdict(dict)
    for event in run.events:
        if event["ph"] in "sf":
            assert event["ph"] not in flows[event["id"]], event
            flows[event["id"]][event["ph"]] = event
    assert len(flows) == len(run.timeline.handoffs) > 0
    causes = collections.Counter()
    for pair in flows.values():
        begin, end = pair["s"], pair["f"]
        assert (begin["name"], begin["cat"]) == (end["name"], end["cat"])
        assert end["bp"] == "e"
        causes[begin["name"]] += 1
        giver, taker = _enclosing(run, begin), _enclosing(run, end)
        # Perfetto draws the arrow from the end of the giver's slice to the start of the
        # taker's: the drop and the take.
        assert giver[2]["cat"] == "running" and giver[1] == ns(begin["ts"]) + 1
        assert taker[0] == ns(end["ts"])
        assert giver[1] <= taker[0]
    expected = collections.Counter(h.cause for h in run.timeline.handoffs)
    assert causes == expected
    assert set(causes) <= {"drop request", "blocking call", "exit", "voluntary"}


def test_drop_requests_are_instants_on_the_requester(spin: Run) -> None:
    tids = spin.thread_tids()
    instants = [(ns(e["ts"]), e["tid"], e["args"]["holder"]) for e in spin.of("i")]
    requests = spin.timeline.drop_requests
    assert len(requests) > 0
    assert instants == [
        (r.time_ns, tids[spin.timeline.name(r.requester)], spin.timeline.name(r.holder))
        for r in requests
    ]
    assert all(e["name"] == "drop request" for e in spin.of("i"))


def _counter(run: Run, name: str) -> list[tuple[int, int]]:
    samples = [e for e in run.of("C") if e["name"] == name]
    assert len({e["pid"] for e in samples}) == 1
    return [(ns(e["ts"]), next(iter(e["args"].values()))) for e in samples]


def _open_at(intervals: Iterable[Any], at: int) -> int:
    return sum(1 for i in intervals if i.start_ns <= at < i.end_ns)


def test_counters_count_gil_waiters_and_the_run_queue(run: Run) -> None:
    lanes = [i for lane in run.timeline.thread_lanes.values() for i in lane]
    for name, state, pid in (
        ("GIL waiters", "gil_wait", 1),
        ("run queue", "runnable", MACHINE_PID),
    ):
        samples = _counter(run, name)
        assert {e["pid"] for e in run.of("C") if e["name"] == name} == {pid}
        assert samples[0] == (0, 0)
        times = [t for t, _ in samples]
        assert times == sorted(set(times))
        values = [v for _, v in samples]
        assert all(v >= 0 for v in values)
        assert all(a != b for a, b in zip(values, values[1:], strict=False)), (
            "a sample that changes nothing"
        )
        in_state = [i for i in lanes if i.state == state]
        assert all(v == _open_at(in_state, t) for t, v in samples), name


def test_a_contended_run_has_gil_waiters_and_a_run_queue(spin: Run, one_core: Run) -> None:
    assert max(v for _, v in _counter(spin, "GIL waiters")) >= 1
    assert max(v for _, v in _counter(one_core, "run queue")) >= 1


def test_events_are_in_time_order_slices_first_at_a_tie(run: Run) -> None:
    rank = {"M": -1, "X": 1, "s": 2, "f": 2, "i": 3, "C": 4}
    keys = [(ns(e["ts"]), rank[e["ph"]], -ns(e.get("dur", 0.0))) for e in run.events]
    assert keys == sorted(keys)


def test_the_same_seed_writes_the_same_bytes(tmp_path: Any) -> None:
    paths = []
    for attempt in range(2):
        result = gilsim.run(source=SPIN, switch_interval_ns="200us", seed=11, trace=True)
        assert result.trace is not None
        paths.append(tmp_path / f"run{attempt}.json")
        write_perfetto(str(paths[-1]), result.trace)
    assert paths[0].read_bytes() == paths[1].read_bytes()


@pytest.mark.parametrize("start", [0, 10**6, 10**9, 10**12])
def test_microseconds_come_back_as_the_same_nanosecond(start: int) -> None:
    for value in range(start, start + 20_000):
        us = micros(value)
        assert round(us * 1000) == value and math.trunc(us * 1000) == value
        assert float(json.dumps(us)) == us
    assert micros(1005) != 1.005  # 1.005 * 1000 is 1004.999...: truncated, 1 ns short


FORKS = """
import os

def work():
    total = 0
    for i in range(20_000):
        total += i

pids = []
for _ in range(2):
    pid = os.fork()
    if pid == 0:
        work()
        os._exit(0)
    pids.append(pid)
for pid in pids:
    os.waitpid(pid, 0)
"""


def test_a_run_of_several_processes_has_a_process_each(tmp_path: Any) -> None:
    """Each simulated process is a Perfetto process of its own, with its threads and its
    own GIL track holding only its own threads' turns."""
    path = tmp_path / "forks.py"
    path.write_text(FORKS, encoding="utf-8")
    result = gilsim.run(path, argv=[str(path)], trace=True)
    assert result.exit_status == 0, result.stderr
    document = perfetto_trace(result.trace, process_name="python forks.py")
    events = document["traceEvents"]
    simulated = result.summary["processes"]
    names = {
        e["pid"]: e["args"]["name"]
        for e in events
        if e["ph"] == "M" and e["name"] == "process_name" and e["pid"] != MACHINE_PID
    }
    assert names == {n: f"python forks.py (pid {p['pid']})" for n, p in enumerate(simulated, 1)}
    tracks = {
        (e["pid"], e["tid"]): e["args"]["name"]
        for e in events
        if e["ph"] == "M" and e["name"] == "thread_name"
    }
    for number in names:
        own = [name for (pid, _), name in tracks.items() if pid == number]
        assert sorted(own) == ["GIL", "MainThread"]
    for number in names:
        (gil_tid,) = [tid for (pid, tid), name in tracks.items() if (pid, name) == (number, "GIL")]
        (main_tid,) = [
            tid for (pid, tid), name in tracks.items() if (pid, name) == (number, "MainThread")
        ]
        turns = [e for e in events if e["ph"] == "X" and (e["pid"], e["tid"]) == (number, gil_tid)]
        assert turns and all(e["name"] == "MainThread" for e in turns)
        assert main_tid != gil_tid
