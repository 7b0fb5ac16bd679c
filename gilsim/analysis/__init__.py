"""Analyses of a finished run, read from its recorded trace only: the lanes of a timeline
(``timeline``) and the schedule graph (``schedule_graph``)."""

from gilsim.analysis.schedule_graph import schedule_graph
from gilsim.analysis.timeline import Handoff, Interval, Position, Timeline, timeline_of

__all__ = ["Handoff", "Interval", "Position", "Timeline", "schedule_graph", "timeline_of"]
