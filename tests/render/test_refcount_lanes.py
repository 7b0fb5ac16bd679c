"""Watched reference counts for people: a lane of the timeline, a counter track of the
Perfetto file, read from the trace (``gilsim.analysis.refcounts``)."""

from pathlib import Path

import gilsim
from gilsim.analysis.refcounts import refcount_lanes
from gilsim.render.perfetto import perfetto_trace

EXAMPLE = Path(__file__).parents[2] / "examples" / "refcount_lanes.py"


def watched_example():
    return gilsim.run(EXAMPLE, refcounts=("shared",), trace=True)


def test_the_lane_steps_up_to_the_peak_and_down_to_the_dealloc():
    """Two threads take five references each: the count reaches 11 (with the global) and
    ends at 0 when the object is freed, once."""
    result = watched_example()
    (lane,) = refcount_lanes(result.trace)
    counts = [count for _, count in lane.steps]
    assert lane.name == "shared"
    assert max(counts) >= 11
    assert counts[-1] == 0
    assert len(lane.freed) == 1
    assert [t for t, _ in lane.steps] == sorted(t for t, _ in lane.steps)


def test_the_timeline_draws_a_lane_labelled_with_counts():
    dot = watched_example().picture().source
    assert "refcount shared" in dot
    assert "has count 11" in dot
    assert "freed at" in dot


def test_perfetto_has_a_counter_track_per_watched_name():
    trace = perfetto_trace(watched_example().trace)
    counters = [e for e in trace["traceEvents"] if e.get("name") == "refcount shared"]
    assert {e["ph"] for e in counters} == {"C"}
    assert counters[-1]["args"] == {"count": 0}
    assert max(e["args"]["count"] for e in counters) >= 11


def test_a_run_watching_nothing_has_no_lane():
    result = gilsim.run(EXAMPLE, trace=True)
    assert refcount_lanes(result.trace) == ()
    assert "refcount shared" not in result.picture().source
    assert "refcounts" not in result.summary


RACE = Path(__file__).parents[2] / "examples" / "refcount_race.py"


def racing_example():
    return gilsim.run(RACE, gil="none", refcounts=("shared",), trace=True)


def test_without_a_gil_the_lane_marks_lost_updates_the_early_free_and_the_use_after():
    result = racing_example()
    (lane,) = refcount_lanes(result.trace)
    lost = [e["time_ns"] for e in result.trace if e["event"] == "refcount_lost"]
    assert lane.lost == tuple(lost) and lost
    (early,) = lane.early
    (used,) = lane.used
    assert lane.freed == () and lost[0] <= early[0] < used[0]
    assert lane.steps[-1] == (early[0], 0)
    dot = result.picture(window=f"{lost[0] - 200}ns:{used[0] + 200}ns").source
    assert "freed while still in use at" in dot
    assert "used after it was freed at" in dot
    assert "lost at" in dot


def test_without_a_gil_perfetto_marks_what_went_wrong_as_instants():
    trace = perfetto_trace(racing_example().trace)
    names = {e["name"] for e in trace["traceEvents"] if e.get("ph") == "i"}
    assert {"shared: update lost", "shared: freed while in use", "shared: used after free"} <= names
