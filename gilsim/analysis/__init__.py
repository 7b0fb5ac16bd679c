"""Analyses of a finished run, read from its recorded trace only: the lanes of a timeline
(``timeline``) and the schedule graph (``schedule_graph``)."""

from gilsim.analysis.timeline import Handoff, Interval, Timeline, timeline_of

__all__ = ["Handoff", "Interval", "Timeline", "timeline_of"]
