"""The timeline, as data (``gilsim.analysis.timeline``) and as a picture
(``gilsim.render.timeline``): what the convoy and the two CPU-bound threads show, the
summary of long runs, the time axis and the window."""

from __future__ import annotations

import re
import statistics
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

import gilsim
from gilsim.analysis import Interval, timeline_of
from gilsim.errors import ConfigurationError
from gilsim.render import picture
from gilsim.render.timeline import PLOT_WIDTH_PT, Window, parse_window, summarise

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"
INTERVAL_NS = 5_000_000


@pytest.fixture(scope="module")
def convoy():
    return gilsim.run(EXAMPLES / "convoy.py", trace=True)


@pytest.fixture(scope="module")
def two_threads():
    return gilsim.run(EXAMPLES / "two_cpu_threads.py", trace=True)


def test_convoy_io_thread_waits_one_interval_after_each_sleep(convoy):
    """Beside the CPU-bound thread, every sleep of the I/O thread (the main thread) is
    followed by a wait for the GIL of one switch interval and a little more."""
    timeline = convoy.timeline()
    main = timeline.threads[0]
    lane = timeline.thread_lanes[main.ident]
    spinner_start = timeline.thread_lanes[timeline.threads[1].ident][0].start_ns
    waits = [i for i in lane if i.state == "gil_wait" and i.start_ns > spinner_start]
    long_waits = [w for w in waits if w.duration_ns > INTERVAL_NS // 2]
    assert len(long_waits) >= 19
    for wait in long_waits:
        assert INTERVAL_NS <= wait.duration_ns <= INTERVAL_NS * 1.1
    sleeps = [i for i in lane if i.state == "sleep" and i.start_ns > spinner_start]
    assert len(sleeps) >= 19
    # After each sleep (and its wake-up) comes a wait for the GIL, before any running.
    for sleep in sleeps[:-1]:
        after = [i for i in lane if i.start_ns >= sleep.end_ns and i.state != "waking"]
        assert after[0].state in ("gil_wait", "no_gil")


def labels(source: str) -> list[str]:
    """Every node label of a DOT source, in order, without DOT's quotes."""
    found = re.findall(r'\tn\d+ \[label=(?:"((?:[^"\\]|\\.)*)"|([^ \]]+))', source)
    return [quoted or bare for quoted, bare in found]


def test_convoy_picture_draws_the_waits_and_the_drop_requests(convoy):
    shown = picture(convoy.trace, title="convoy.py")
    source = shown.source
    assert shown.engine == "neato"
    shown_labels = labels(source)
    for lane in ("GIL", "MainThread", "Thread-1 (spin)", "core 0", "core 1", "time (ms)"):
        assert lane in shown_labels
    waits = re.findall(r'tooltip="([\d.]+ ms) to [^"]*\(([\d.]+) ms\): waiting for the GIL', source)
    assert len([w for w in waits if 5.0 <= float(w[1]) <= 5.5]) >= 19
    assert source.count("shape=invtriangle") >= 20  # drop requests, and one in the legend
    assert "GIL hand-offs (" in source and "on drop request" in source


def test_two_cpu_threads_hand_off_about_every_interval(two_threads):
    """Two CPU-bound threads: hand-offs on drop requests, one per switch interval (plus
    the wake-up and the time to the next check point: docs/model/gil.md §7 item 2)."""
    timeline = two_threads.timeline()
    workers = {info.ident for info in timeline.threads[1:]}
    # While both count down: once the first has ended, the GIL goes to whoever gets there
    # first, the other worker or the main thread woken by ``join`` (a race of wake-ups).
    first_exit = min(h.time_ns for h in timeline.handoffs if h.cause == "exit")
    between = [
        h for h in timeline.handoffs if {h.giver, h.taker} == workers and h.time_ns < first_exit
    ]
    assert len(between) >= 10
    assert all(h.cause == "drop request" for h in between)
    gaps = [b.time_ns - a.time_ns for a, b in zip(between, between[1:], strict=False)]
    assert INTERVAL_NS <= statistics.median(gaps) <= INTERVAL_NS * 1.06


def test_every_lane_is_drawn_within_the_plot(two_threads):
    source = picture(two_threads.trace).source
    xs = [float(x) for x in re.findall(r'pos="(-?[\d.]+),', source)]
    assert min(xs) >= 0 and max(xs) <= 150 + PLOT_WIDTH_PT + 400  # the legend runs on


def test_window_shows_only_its_span(two_threads):
    window = parse_window("20ms:40ms", two_threads.virtual_time_ns)
    assert window == Window(20_000_000, 40_000_000)
    source = picture(two_threads.trace, window=window).source
    ticks = [label for label in labels(source) if re.fullmatch(r"\d+(\.\d+)?", label)]
    assert ticks[0] == "20" and ticks[-1] == "40"


@pytest.mark.parametrize(
    "text, message",
    [("20ms", "START:END"), ("40ms:20ms", "not after"), ("1s:", "after the run ended")],
)
def test_bad_windows_are_refused(text, message):
    with pytest.raises(ConfigurationError, match=message):
        parse_window(text, 100_000_000)


def test_open_ended_windows():
    assert parse_window(":5ms", 100) == Window(0, 100)
    assert parse_window("1us:", 10_000) == Window(1000, 10_000)


def lanes(draw_intervals):
    """Consecutive intervals from a list of (gap, length, state) draws."""
    intervals, time_ns = [], 0
    for gap, length, state in draw_intervals:
        time_ns += gap
        intervals.append(Interval(time_ns, time_ns + length, state))
        time_ns += length
    return intervals


@given(
    st.lists(
        st.tuples(
            st.integers(0, 1000), st.integers(1, 5000), st.sampled_from(["running", "gil_wait"])
        ),
        min_size=1,
        max_size=300,
    ),
    st.integers(1, 200),
)
def test_summary_pieces_are_ordered_disjoint_and_within_the_window(draws, columns):
    intervals = lanes(draws)
    window = Window(0, intervals[-1].end_ns)
    pieces = summarise(intervals, window, columns)
    assert len(pieces) <= columns
    for start, end, interval in pieces:
        assert window.start_ns <= start < end <= window.end_ns
        assert interval in intervals
    for (_, end, _), (start, _, _) in zip(pieces, pieces[1:], strict=False):
        assert end <= start


def test_summary_keeps_the_dominant_state():
    """Nine tenths running, one tenth waiting, in every column: all running."""
    intervals = []
    for k in range(1000):
        intervals.append(Interval(k * 100, k * 100 + 90, "running"))
        intervals.append(Interval(k * 100 + 90, k * 100 + 100, "gil_wait"))
    pieces = summarise(intervals, Window(0, 100_000), 50)
    assert [(p[0], p[1], p[2].state) for p in pieces] == [(0, 100_000, "running")]


def test_long_runs_are_summarised(two_threads):
    """A lane with more intervals than fit is summarised, and the picture says so."""
    timeline = timeline_of(two_threads.trace)
    many = {ident: lane * 1 for ident, lane in timeline.thread_lanes.items()}
    # Split every interval of the first worker into a hundred pieces of alternating state.
    worker = timeline.threads[1].ident
    pieces = []
    for interval in many[worker]:
        step = max(interval.duration_ns // 100, 1)
        for k, start in enumerate(range(interval.start_ns, interval.end_ns, step)):
            state = interval.state if k % 3 else "runnable"
            pieces.append(Interval(start, min(start + step, interval.end_ns), state))
    many[worker] = tuple(pieces)
    import attrs

    from gilsim.render.timeline import timeline_picture

    source = timeline_picture(attrs.evolve(timeline, thread_lanes=many)).source
    assert "1 lane(s) summarised" in source
    assert source.count("\n\tn") < len(pieces)
