"""Analyses of a finished run, read from its recorded trace only: the lanes of a timeline
(``timeline``) and the schedule graph (``schedule_graph``)."""

from typing import Any

from gilsim.analysis.timeline import Handoff, Interval, Position, Timeline, timeline_of

__all__ = ["Handoff", "Interval", "Position", "Timeline", "schedule_graph", "timeline_of"]


def __getattr__(name: str) -> Any:
    # ``schedule_graph`` imports networkx, which takes a tenth of a second: only on use.
    if name == "schedule_graph":
        from gilsim.analysis.graph import schedule_graph

        return schedule_graph
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
