"""Pictures and traces of a run for people to look at: timelines, schedule graphs and
race pictures through Graphviz (``timeline``, ``graph``, ``race``, ``output``), and the
Chrome / Perfetto trace format (``perfetto``).  Only this package imports ``graphviz``.

``picture(trace, kind=...)`` makes the Graphviz graph of one of the kinds of picture;
``render.output.write_picture`` writes it as SVG, PNG or DOT.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import graphviz

from gilsim.analysis import Timeline, timeline_of
from gilsim.errors import ConfigurationError
from gilsim.render.graph import graph_picture
from gilsim.render.output import Written, render_bytes, write_picture
from gilsim.render.race import race_picture
from gilsim.render.timeline import Window, timeline_picture
from gilsim.units import format_ns

KINDS = ("timeline", "graph", "race")


def picture(
    trace: Sequence[Mapping[str, Any]],
    *,
    kind: str = "timeline",
    window: Window | None = None,
    races: Sequence[Any] = (),
    race: int = 0,
    title: str = "",
) -> graphviz.Graph | graphviz.Digraph:
    """The picture of a recorded run: ``trace`` is its events (``trace=True``), ``races``
    its race reports (``races=True``): race edges in the graph, and ``race`` is the index
    of the report a ``kind="race"`` picture draws.  ``title`` heads it, followed by the
    run's machine and length."""
    timeline = timeline_of(trace)
    heading = _heading(title, timeline)
    if kind == "timeline":
        return timeline_picture(timeline, window=window, title=heading)
    if kind == "graph":
        from gilsim.analysis.graph import schedule_graph

        graph = schedule_graph(trace, races, timeline)
        return graph_picture(graph, window=window, title=heading)
    if kind == "race":
        if not 0 <= race < len(races):
            raise ConfigurationError(f"no race report number {race + 1} to draw")
        return race_picture(races[race], timeline, title=heading)
    raise ConfigurationError(f"no picture of kind {kind!r} (kinds: {', '.join(KINDS)})")


def _heading(title: str, timeline: Timeline) -> str:
    interval = timeline.switch_interval_us
    facts = [f"{timeline.cores} core{'s' if timeline.cores != 1 else ''}"]
    if not timeline.has_gil:
        facts.append(f"no GIL (--gil {timeline.gil})")
    elif interval is not None:
        facts.append(f"switch interval {format_ns(interval * 1000)}")
    facts.append(f"{format_ns(timeline.end_ns)} simulated")
    return f"{title}: {', '.join(facts)}" if title else ", ".join(facts)


__all__ = ["KINDS", "Window", "Written", "picture", "render_bytes", "write_picture"]
