"""The timeline picture of a run: a lane for the GIL, one per thread and one per core,
against a time axis in milliseconds, drawn through Graphviz.

Graphviz lays out graphs, not charts; a timeline is drawn with its layout switched off.
Every box is a node pinned at its place (``pos="x,y!"``, in points) and the picture is
rendered by ``neato -n2``, which takes the positions as given (Graphviz's ``neato`` manual,
option ``-n``).  So the DOT file is the picture: ``neato -n2 -Tpng run.dot -o run.png``
draws it anywhere.

A run of seconds has far more intervals than a picture has points.  A lane with more than
``EXACT_LIMIT`` intervals in view is *summarised*: the view is cut into columns one point
wide and each column is drawn in the state that took most of its time, consecutive columns
of one state as one box.  Hand-off arrows and drop-request marks are drawn only up to
``MARK_LIMIT`` in view; past it the caption counts them and suggests ``--window``.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import attrs
import graphviz

from gilsim.analysis.refcounts import RefcountLane
from gilsim.analysis.timeline import Interval, Timeline
from gilsim.errors import ConfigurationError
from gilsim.units import format_ns, parse_duration_ns

PLOT_WIDTH_PT = 960.0  # the time axis
LABEL_WIDTH_PT = 150.0  # lane names, left of it
LANE_PT = 16.0  # height of a lane's boxes
LANE_GAP_PT = 6.0
EXACT_LIMIT = 400  # intervals of a lane in view drawn one by one
MARK_LIMIT = 200  # hand-offs, drop requests in view drawn one by one
FONT = "Helvetica"

STATE_COLOURS = {
    "running": "#2ca02c",
    "no_gil": "#a6dba0",
    "gil_wait": "#d62728",
    "runnable": "#ff9f1c",
    "waking": "#fcd5a5",
    "sleep": "#9ecae1",
    "io": "#3182bd",
    "lock": "#9467bd",
}
STATE_LABELS = {
    "running": "running, holding the GIL",
    "no_gil": "on a core without the GIL",
    "gil_wait": "waiting for the GIL",
    "runnable": "runnable, no free core",
    "waking": "waking up (OS latency)",
    "sleep": "sleeping",
    "io": "blocked on I/O",
    "lock": "blocked on a lock or join",
}
# The same without a GIL (``Timeline.has_gil``): attached and detached threads.
NO_GIL_LABELS = {
    **STATE_LABELS,
    "running": "running bytecode (attached)",
    "no_gil": "on a core, detached (in a call)",
}
# Threads in the GIL and core lanes: distinct from each other and from the state colours'
# meanings as far as ten colours allow (after the "tableau" palette, reordered).
# Threads in the GIL and core lanes: dark, saturated tones, apart from the state colours
# of the thread lanes (green, red, orange, light blue, purple).
THREAD_COLOURS = (
    "#1f3b73",
    "#0f8b8d",
    "#c2185b",
    "#8c564b",
    "#7a7a00",
    "#5f6b7a",
    "#b8860b",
    "#4b0082",
    "#6d214f",
    "#006064",
)
REFCOUNT_COLOUR = "#c7a76c"  # the band of a watched reference count
HANDOFF_COLOURS = {"drop request": "#d62728", "blocking call": "#1f4e9c", "exit": "#555555"}


@attrs.frozen
class Window:
    """The span of virtual time shown, ``[start_ns, end_ns)``."""

    start_ns: int
    end_ns: int

    @property
    def span_ns(self) -> int:
        return max(self.end_ns - self.start_ns, 1)

    def x(self, time_ns: int) -> float:
        """The horizontal position of ``time_ns``, in points."""
        clipped = min(max(time_ns, self.start_ns), self.end_ns)
        return LABEL_WIDTH_PT + (clipped - self.start_ns) * PLOT_WIDTH_PT / self.span_ns


def parse_window(text: str | None, end_ns: int) -> Window | None:
    """``START:END`` (either may be left out), as ``gilsim render --window``, the API's
    ``window=`` and the Sphinx directive's ``:window:`` take it, as a Window over a run that
    lasted ``end_ns`` (``NEVER`` to check the syntax alone); a ConfigurationError naming
    what is wrong."""
    if text is None:
        return None
    if ":" not in text:
        raise ConfigurationError(f"window {text!r}: give START:END, e.g. 10ms:60ms")
    first, _, last = text.partition(":")
    start = parse_duration_ns(first) if first.strip() else 0
    end = parse_duration_ns(last) if last.strip() else end_ns
    if start >= end_ns:
        raise ConfigurationError(
            f"window {text!r} starts after the run ended (it lasted {format_ns(end_ns)})"
        )
    if end <= start:
        raise ConfigurationError(f"window {text!r}: its end is not after its start")
    return Window(start, min(end, end_ns))


def thread_colour(number: int) -> str:
    return THREAD_COLOURS[number % len(THREAD_COLOURS)]


class _Canvas:
    """Pinned nodes and straight edges, in points from the top left (Graphviz's y axis
    points up: ``_pos`` turns it over)."""

    def __init__(self, title: str) -> None:
        self.dot = graphviz.Graph(name="timeline", engine="neato")
        self.dot.attr(
            splines="line",
            outputorder="edgesfirst",
            bgcolor="white",
            label=title,
            labelloc="t",
            labeljust="l",
            fontname=FONT,
            fontsize="13",
        )
        self.dot.attr("node", shape="box", style="filled", fixedsize="true", label="", penwidth="0")
        self.dot.attr("node", fontname=FONT, fontsize="9")
        self.dot.attr("edge", fontname=FONT, fontsize="8")
        self.count = 0

    def _name(self) -> str:
        self.count += 1
        return f"n{self.count}"

    @staticmethod
    def _pos(x: float, y: float) -> str:
        return f"{x:.2f},{-y:.2f}!"

    def box(
        self,
        x0: float,
        x1: float,
        y: float,
        colour: str,
        tooltip: str,
        label: str = "",
        height: float = LANE_PT,
    ) -> str:
        """A box from ``x0`` to ``x1`` on the lane whose centre is at ``y``; a lower one
        (``height``) stands on the lane's foot."""
        name = self._name()
        width = max(x1 - x0, 0.05)
        shown = label if label and width > 7 * len(label) else ""
        self.dot.node(
            name,
            label=shown,
            pos=self._pos(x0 + width / 2, y + (LANE_PT - height) / 2),
            width=f"{width / 72:.4f}",
            height=f"{height / 72:.4f}",
            fillcolor=colour,
            tooltip=tooltip,
            fontcolor="white",
        )
        return name

    def text(self, x: float, y: float, label: str, width: float, **attributes: str) -> str:
        name = self._name()
        self.dot.node(
            name,
            label=label,
            pos=self._pos(x, y),
            width=f"{width / 72:.4f}",
            height=f"{LANE_PT / 72:.4f}",
            style="",
            fixedsize="false",  # grows to its text, around its centre: no label is cut
            **attributes,
        )
        return name

    def point(self, x: float, y: float, **attributes: str) -> str:
        name = self._name()
        self.dot.node(
            name,
            pos=self._pos(x, y),
            shape=attributes.pop("shape", "point"),
            width=attributes.pop("width", "0.04"),
            height=attributes.pop("height", "0.04"),
            **attributes,
        )
        return name

    def line(self, a: str, b: str, **attributes: str) -> None:
        self.dot.edge(a, b, **attributes)


def _visible(intervals: Sequence[Interval], window: Window) -> list[Interval]:
    return [i for i in intervals if i.end_ns > window.start_ns and i.start_ns < window.end_ns]


def summarise(
    intervals: Sequence[Interval], window: Window, columns: int
) -> list[tuple[int, int, Interval]]:
    """Cut ``window`` into ``columns`` columns and give each the interval (state and
    thread) that covers most of it; runs of columns with the same one become one piece.
    Returns ``(start_ns, end_ns, representative)`` pieces; empty columns are left out."""
    pieces: list[tuple[int, int, Interval]] = []
    index = 0
    for column in range(columns):
        start = window.start_ns + window.span_ns * column // columns
        end = window.start_ns + window.span_ns * (column + 1) // columns
        while index < len(intervals) and intervals[index].end_ns <= start:
            index += 1
        shares: dict[tuple[str, int | None], int] = {}
        examples: dict[tuple[str, int | None], Interval] = {}
        covered = 0
        scan = index
        while scan < len(intervals) and intervals[scan].start_ns < end:
            interval = intervals[scan]
            overlap = min(interval.end_ns, end) - max(interval.start_ns, start)
            key = (interval.state, interval.thread)
            shares[key] = shares.get(key, 0) + overlap
            examples.setdefault(key, interval)
            covered += overlap
            scan += 1
        if not shares or covered * 2 < end - start:
            continue  # mostly empty (a core with nobody on it)
        best = max(shares, key=lambda k: shares[k])
        if (
            pieces
            and pieces[-1][1] == start
            and (
                pieces[-1][2].state,
                pieces[-1][2].thread,
            )
            == best
        ):
            pieces[-1] = (pieces[-1][0], end, pieces[-1][2])
        else:
            pieces.append((start, end, examples[best]))
    return pieces


def _tooltip(timeline: Timeline, lane: str, interval: Interval, start: int, end: int) -> str:
    if lane == "thread":
        what = STATE_LABELS.get(interval.state, interval.state)
        if interval.what:
            what += f": {interval.what}"
    else:
        what = timeline.name(interval.thread)
    return f"{format_ns(start)} to {format_ns(end)} ({format_ns(end - start)}): {what}"


def _nice_step(span_ns: int, ticks: int = 10) -> int:
    """A tick spacing of 1, 2 or 5 times a power of ten giving about ``ticks`` ticks."""
    raw = span_ns / ticks
    power = 10 ** math.floor(math.log10(max(raw, 1)))
    for factor in (1, 2, 5, 10):
        if raw <= factor * power:
            return int(factor * power)
    return int(10 * power)


def _ms(time_ns: int, step_ns: int = 1000) -> str:
    """``time_ns`` in milliseconds, with the decimals ticks ``step_ns`` apart need (at
    least 3: a window of a few hundred nanoseconds shows 4.4589, 4.45895...)."""
    decimals = min(max(3, 6 - math.floor(math.log10(max(step_ns, 1)))), 6)
    text = f"{time_ns / 1e6:.{decimals}f}".rstrip("0").rstrip(".")
    return text or "0"


def timeline_picture(
    timeline: Timeline, *, window: Window | None = None, title: str = ""
) -> graphviz.Graph:
    """The timeline as a Graphviz graph, to render with ``neato -n2`` (``render.output``)."""
    window = window or Window(0, max(timeline.end_ns, 1))
    canvas = _Canvas(title)
    colour_of = {info.ident: thread_colour(info.number) for info in timeline.threads}
    # (name, kind, intervals, colour of the name, key of the lane for marks)
    lanes: list[tuple[str, str, Sequence[Interval], str, int | str]] = [
        ("GIL", "gil", timeline.gil_lane, "black", "gil")
    ]
    if timeline.process_gil_lanes or not timeline.has_gil:  # a GIL per process, or none
        lanes = []
    for pid, gil_lane in timeline.process_gil_lanes or ((None, ()),):
        if pid is not None and timeline.has_gil:
            lanes.append((f"GIL of {pid}", "gil", gil_lane, "black", f"gil {pid}"))
        for info in timeline.threads:
            if info.pid != pid:
                continue
            own = timeline.thread_lanes[info.ident]
            name = info.name if pid is None else f"{info.name} ({pid})"
            lanes.append((name, "thread", own, colour_of[info.ident], info.ident))
    for core, occupied in enumerate(timeline.core_lanes):
        lanes.append((f"core {core}", "core", occupied, "black", f"core {core}"))
    lane_y: dict[int | str, float] = {}
    summarised = 0
    for row, (name, kind, lane, swatch, key) in enumerate(lanes):
        y = row * (LANE_PT + LANE_GAP_PT)
        lane_y[key] = y
        label = name if len(name) <= 24 else name[:23] + "…"
        canvas.text(LABEL_WIDTH_PT / 2 - 4, y, label, LABEL_WIDTH_PT - 12, fontcolor=swatch)
        shown = _visible(lane, window)
        if len(shown) > EXACT_LIMIT:
            summarised += 1
            pieces = summarise(shown, window, int(PLOT_WIDTH_PT))
        else:
            pieces = [
                (max(i.start_ns, window.start_ns), min(i.end_ns, window.end_ns), i) for i in shown
            ]
        for start, end, interval in pieces:
            if kind == "thread":
                colour = STATE_COLOURS.get(interval.state, "#cccccc")
                label = ""
            else:
                colour = colour_of.get(interval.thread, "#cccccc")  # type: ignore[arg-type]
                label = timeline.name(interval.thread)
            canvas.box(
                window.x(start),
                window.x(end),
                y,
                colour,
                _tooltip(timeline, kind, interval, start, end),
                label,
            )
    refcount_notes: list[str] = []
    for lane in timeline.refcount_lanes:
        y = len(lane_y) * (LANE_PT + LANE_GAP_PT)
        lane_y[f"refcount {lane.name}"] = y
        canvas.text(LABEL_WIDTH_PT / 2 - 4, y, f"refcount {lane.name}", LABEL_WIDTH_PT - 12)
        refcount_notes = _refcount_lane(canvas, lane, window, y)
    bottom = len(lane_y) * (LANE_PT + LANE_GAP_PT)
    notes = _marks(canvas, timeline, window, lane_y) + refcount_notes
    _axis(canvas, window, bottom)
    _legend(canvas, bottom + 40, timeline.has_gil)
    if summarised:
        notes.append(
            f"{summarised} lane(s) summarised: each point-wide column shows the state that took "
            "most of its time"
        )
    if notes:
        canvas.text(
            LABEL_WIDTH_PT + PLOT_WIDTH_PT / 2,
            bottom + 40 + 2 * (LANE_PT + 4),
            "; ".join(notes),
            PLOT_WIDTH_PT,
            fontsize="9",
        )
    return canvas.dot


def _refcount_lane(canvas: _Canvas, lane: RefcountLane, window: Window, y: float) -> list[str]:
    """A watched count as a shaded step band, as high as the count (the lane's top is its
    highest count in view), labelled with the count where it changes and there is room;
    a diamond where an object of the name was freed.  With more than ``EXACT_LIMIT`` steps
    in view, each point-wide column shows the highest count in it.  Without a GIL, also a
    tick on the lane's top edge for each update lost (up to ``MARK_LIMIT`` in view; past
    it the caption counts them), a star where an object was freed while still in use, a
    triangle where it was used after that, a square where one leaked.  Returns the
    caption's notes."""
    spans = _count_spans(lane, window)
    top = max((count for _, _, count in spans), default=0) or 1
    if len(spans) > EXACT_LIMIT:
        spans = _count_columns(spans, window, int(PLOT_WIDTH_PT))
    for start, end, count in spans:
        x0, x1 = window.x(start), window.x(end)
        height = max(LANE_PT * count / top, 1.0 if count else 0.0)
        tooltip = f"{format_ns(start)} to {format_ns(end)}: {lane.name} has count {count}"
        if height:
            canvas.box(x0, x1, y, REFCOUNT_COLOUR, tooltip, height=height)
        label = str(count)
        if x1 - x0 > 6 * len(label) + 4:
            canvas.text(
                x0 + 3 * len(label) + 2,
                y - LANE_PT / 2 + 5,
                label,
                6 * len(label),
                fontsize="7",
                fontcolor="#222222",
                tooltip=tooltip,
            )
    marks = [
        (lane.freed, "diamond", "#d62728", "freed"),
        (lane.early, "star", "#d62728", "freed while still in use"),
        (lane.used, "invtriangle", "#000000", "used after it was freed"),
        (lane.leaked, "square", "#ff7f0e", "leaked: never freed"),
    ]
    for events, shape, colour, what in marks:
        for time_ns, number in events:
            if window.start_ns <= time_ns < window.end_ns:
                canvas.point(
                    window.x(time_ns),
                    y,
                    shape=shape,
                    width="0.12",
                    height="0.12",
                    style="filled",
                    fillcolor=colour,
                    color=colour,
                    tooltip=f"{lane.name} (object {number}) {what} at {format_ns(time_ns)}",
                )
    lost = [time_ns for time_ns in lane.lost if window.start_ns <= time_ns < window.end_ns]
    if len(lost) > MARK_LIMIT:
        return [f"{len(lost):,} updates of {lane.name}'s count lost (not marked)"]
    for time_ns in lost:
        canvas.point(
            window.x(time_ns),
            y - LANE_PT / 2,
            shape="triangle",
            width="0.1",
            height="0.1",
            style="filled",
            fillcolor="#8c1c13",
            color="#8c1c13",
            tooltip=f"an update of {lane.name}'s count lost at {format_ns(time_ns)}",
        )
    return []


def _count_spans(lane: RefcountLane, window: Window) -> list[tuple[int, int, int]]:
    """``(start_ns, end_ns, count)`` of each step in view, the last to the end of the view
    (or to its dealloc)."""
    spans = []
    steps = lane.steps
    for index, (time_ns, count) in enumerate(steps):
        end = steps[index + 1][0] if index + 1 < len(steps) else window.end_ns
        start, end = max(time_ns, window.start_ns), min(end, window.end_ns)
        if end > start:
            spans.append((start, end, count))
    return spans


def _count_columns(
    spans: list[tuple[int, int, int]], window: Window, columns: int
) -> list[tuple[int, int, int]]:
    """The highest count of each of ``columns`` columns of ``window``, runs of one count
    as one span."""
    pieces: list[tuple[int, int, int]] = []
    index = 0
    for column in range(columns):
        start = window.start_ns + window.span_ns * column // columns
        end = window.start_ns + window.span_ns * (column + 1) // columns
        while index < len(spans) and spans[index][1] <= start:
            index += 1
        scan, high = index, None
        while scan < len(spans) and spans[scan][0] < end:
            high = spans[scan][2] if high is None else max(high, spans[scan][2])
            scan += 1
        if high is None:
            continue
        if pieces and pieces[-1][1] == start and pieces[-1][2] == high:
            pieces[-1] = (pieces[-1][0], end, high)
        else:
            pieces.append((start, end, high))
    return pieces


def _marks(
    canvas: _Canvas, timeline: Timeline, window: Window, lane_y: dict[int | str, float]
) -> list[str]:
    """Hand-off arrows from the giver's lane to the taker's and drop-request marks; a
    caption line for what was too much to draw."""
    notes = []
    handoffs = [h for h in timeline.handoffs if window.start_ns <= h.time_ns < window.end_ns]
    by_cause: dict[str, int] = {}
    for handoff in handoffs:
        by_cause[handoff.cause] = by_cause.get(handoff.cause, 0) + 1
    told = ", ".join(
        f"{n} on {c}" if c == "drop request" else f"{n} by {c}" for c, n in sorted(by_cause.items())
    )
    if len(handoffs) <= MARK_LIMIT:
        for handoff in handoffs:
            if handoff.giver not in lane_y or handoff.taker not in lane_y:
                continue
            giver_y, taker_y = lane_y[handoff.giver], lane_y[handoff.taker]
            down = taker_y > giver_y
            edge = LANE_PT / 2 if down else -LANE_PT / 2
            start = canvas.point(
                window.x(handoff.dropped_ns), giver_y + edge, width="0.01", height="0.01"
            )
            end = canvas.point(
                window.x(handoff.time_ns), taker_y - edge, width="0.01", height="0.01"
            )
            colour = HANDOFF_COLOURS.get(handoff.cause, "#1f4e9c")
            canvas.line(
                start,
                end,
                dir="forward",
                arrowsize="0.5",
                color=colour,
                penwidth="1.2",
                tooltip=f"GIL hand-off ({handoff.cause}) from {timeline.name(handoff.giver)} to {timeline.name(handoff.taker)} at {format_ns(handoff.time_ns)}",
            )
        if handoffs:
            notes.append(f"{len(handoffs)} GIL hand-offs ({told})")
    else:
        notes.append(
            f"{len(handoffs)} GIL hand-offs ({told}), too many to draw: pick a --window to see each"
        )
    requests = [r for r in timeline.drop_requests if window.start_ns <= r.time_ns < window.end_ns]
    if len(requests) <= MARK_LIMIT:
        for request in requests:
            if request.requester in lane_y:
                canvas.point(
                    window.x(request.time_ns),
                    lane_y[request.requester] - LANE_PT / 2 - 3,
                    shape="invtriangle",
                    width="0.09",
                    height="0.08",
                    fillcolor="black",
                    style="filled",
                    tooltip=f"drop request by {timeline.name(request.requester)} at {format_ns(request.time_ns)}",
                )
        if requests:
            notes.append(f"{len(requests)} drop requests")
    else:
        notes.append(f"{len(requests)} drop requests, too many to mark")
    return notes


def _axis(canvas: _Canvas, window: Window, y: float) -> None:
    step = _nice_step(window.span_ns)
    first = -(-window.start_ns // step) * step
    left = canvas.point(window.x(window.start_ns), y, width="0.01", height="0.01")
    right = canvas.point(window.x(window.end_ns), y, width="0.01", height="0.01")
    canvas.line(left, right, color="#444444")
    tick = first
    while tick <= window.end_ns:
        x = window.x(tick)
        top = canvas.point(x, y, width="0.01", height="0.01")
        foot = canvas.point(x, y + 4, width="0.01", height="0.01")
        canvas.line(top, foot, color="#444444")
        canvas.text(x, y + 12, _ms(tick, step), 40, fontsize="9")
        tick += step
    canvas.text(LABEL_WIDTH_PT / 2, y + 12, "time (ms)", LABEL_WIDTH_PT - 12, fontsize="9")


def _legend(canvas: _Canvas, y: float, has_gil: bool = True) -> None:
    x = LABEL_WIDTH_PT
    labels = STATE_LABELS if has_gil else NO_GIL_LABELS
    for state, colour in STATE_COLOURS.items():
        if state == "gil_wait" and not has_gil:
            continue
        canvas.box(x, x + 12, y, colour, labels[state])
        label = labels[state]
        width = 5.0 * len(label)
        canvas.text(x + 16 + width / 2, y, label, width, fontsize="8")
        x += 16 + width + 10
    if not has_gil:
        return  # no hand-offs and no drop requests to explain
    y += LANE_PT + 4
    x = LABEL_WIDTH_PT
    for cause, colour in (
        ("drop request", HANDOFF_COLOURS["drop request"]),
        ("blocking call", HANDOFF_COLOURS["blocking call"]),
        ("exit", HANDOFF_COLOURS["exit"]),
    ):
        a = canvas.point(x, y, width="0.01", height="0.01")
        b = canvas.point(x + 18, y, width="0.01", height="0.01")
        canvas.line(a, b, dir="forward", arrowsize="0.5", color=colour, penwidth="1.2")
        label = f"GIL hand-off: {cause}"
        width = 5.0 * len(label)
        canvas.text(x + 22 + width / 2, y, label, width, fontsize="8")
        x += 22 + width + 10
    canvas.point(
        x + 4,
        y,
        shape="invtriangle",
        width="0.09",
        height="0.08",
        fillcolor="black",
        style="filled",
    )
    label = "drop request (a waiter timed out)"
    width = 5.0 * len(label)
    canvas.text(x + 12 + width / 2, y, label, width, fontsize="8")
