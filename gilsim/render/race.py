"""The picture of one race: only the events that explain it.

A column per thread the report names; down the page, in time order, the accesses of the
report (who read or wrote the place, the value, the source line) and the GIL's hand-offs
between them that involve those threads, each with its cause and where the giver was.  The
report's own story is the caption.  Drawn by ``dot``: an invisible chain through the events
in time order gives each its own rank, so the page reads top to bottom as time goes on.
"""

from __future__ import annotations

import textwrap
from typing import Any

import graphviz

from gilsim.analysis.timeline import Handoff, Timeline
from gilsim.render.timeline import HANDOFF_COLOURS, thread_colour
from gilsim.units import format_ns

FONT = "Helvetica"
MOST_HANDOFFS = 3  # hand-offs shown between two accesses; more are counted


def _label(*lines: str) -> str:
    return "\n".join(lines)


def _handoffs_between(
    timeline: Timeline, involved: set[int], start_ns: int, end_ns: int
) -> tuple[list[Handoff], int]:
    """Hand-offs in ``(start_ns, end_ns]`` from or to an involved thread: the first ones
    and the last (up to ``MOST_HANDOFFS``), and how many were left out."""
    found = [
        h
        for h in timeline.handoffs
        if start_ns < h.time_ns <= end_ns and (h.giver in involved or h.taker in involved)
    ]
    if len(found) <= MOST_HANDOFFS:
        return found, 0
    keep = [*found[: MOST_HANDOFFS - 1], found[-1]]
    return keep, len(found) - len(keep)


def race_picture(report: Any, timeline: Timeline, *, title: str = "") -> graphviz.Digraph:
    """The picture of ``report`` (a ``gilsim.races.RaceReport``) in the run ``timeline``."""
    dot = graphviz.Digraph(name="race")
    caption = textwrap.fill(report.story, 110)
    label = (
        f"{title}\n{report.kind} of {report.name}" if title else f"{report.kind} of {report.name}"
    )
    dot.attr(
        label=f"{label}\n\n{caption}",
        labelloc="t",
        labeljust="l",
        fontname=FONT,
        fontsize="11",
        rankdir="TB",
        nodesep="0.6",
        ranksep="0.25",
    )
    dot.attr("node", fontname=FONT, fontsize="10", shape="box", style="rounded,filled")
    dot.attr("edge", fontname=FONT, fontsize="9")
    accesses = sorted(report.accesses, key=lambda a: a.time_ns)
    involved = {a.ident for a in accesses}
    numbers = {info.ident: info.number for info in timeline.threads}
    order = sorted(involved, key=lambda ident: numbers.get(ident, 0))
    last: dict[int, str] = {}
    chain: list[str] = []
    for ident in order:
        name = f"head{ident}"
        dot.node(
            name,
            timeline.name(ident),
            shape="box",
            style="filled",
            fillcolor=thread_colour(numbers.get(ident, 0)),
            fontcolor="white",
            group=str(ident),
        )
        last[ident] = name
    with dot.subgraph() as heads:
        heads.attr(rank="same")
        for ident in order:
            heads.node(f"head{ident}")
    chain.append(f"head{order[0]}")

    def place(name: str, ident: int) -> None:
        dot.edge(last[ident], name, color="#888888", arrowhead="none", weight="10")
        last[ident] = name
        dot.edge(chain[-1], name, style="invis", weight="0")
        chain.append(name)

    previous_ns = -1
    for index, access in enumerate(accesses):
        handoffs, left_out = _handoffs_between(timeline, involved, previous_ns, access.time_ns)
        if index == 0:
            handoffs, left_out = [], 0
        for position, handoff in enumerate(handoffs):
            if left_out and position == len(handoffs) - 1:
                name = f"more{index}"
                dot.node(name, f"… {left_out} more hand-offs …", shape="plaintext", style="")
                place(name, handoff.giver if handoff.giver in involved else access.ident)
            _handoff(dot, timeline, handoff, involved, place, f"h{index}_{position}", last)
        name = f"a{index}"
        verb = "reads" if access.action == "read" else "writes"
        dot.node(
            name,
            _label(
                f"{access.thread} {verb} {report.name} = {access.value}",
                f"line {access.line}: {access.source}",
                f"at {format_ns(access.time_ns)}",
            ),
            fillcolor="#fde0dd" if access.action == "write" else "#e0ecf4",
            group=str(access.ident),
        )
        place(name, access.ident)
        previous_ns = access.time_ns
    return dot


def _handoff(
    dot: graphviz.Digraph,
    timeline: Timeline,
    handoff: Handoff,
    involved: set[int],
    place: Any,
    name: str,
    last: dict[int, str],
) -> None:
    """A hand-off: a note in the giver's column, an arrow to the taker's."""
    where = handoff.given_at
    at = f"at line {where.line} ({where.opname} in {where.function}())" if where else ""
    colour = HANDOFF_COLOURS.get(handoff.cause, "#1f4e9c")
    column = handoff.giver if handoff.giver in involved else handoff.taker
    dot.node(
        name,
        _label(
            f"GIL: {timeline.name(handoff.giver)} → {timeline.name(handoff.taker)}",
            f"{handoff.cause} {at}".strip(),
            f"at {format_ns(handoff.time_ns)}",
        ),
        shape="note",
        style="filled",
        fillcolor="#f5f5f5",
        color=colour,
        fontsize="9",
        group=str(column),
    )
    place(name, column)
    if handoff.taker in involved and handoff.taker != column:
        taken = f"{name}_taken"
        dot.node(taken, "takes the GIL", shape="plaintext", style="", fontsize="9")
        dot.edge(name, taken, color=colour, penwidth="1.5", constraint="false")
        place(taken, handoff.taker)
