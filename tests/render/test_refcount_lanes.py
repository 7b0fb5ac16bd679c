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
    assert "has 11 references" in dot
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
