"""Pictures and traces of a run for people to look at: timelines, schedule graphs and
race pictures through Graphviz (``timeline``, ``graph``, ``race``, ``output``), and the
Chrome / Perfetto trace format (``perfetto``).  Only this package imports ``graphviz``.

``picture(trace, kind=...)`` makes the Graphviz graph of one of the kinds of picture;
``render.output.write_picture`` writes it as SVG, PNG or DOT.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any

import graphviz

from gilsim.analysis import timeline_of
from gilsim.errors import ConfigurationError
from gilsim.render.output import Written, render_bytes, write_picture
from gilsim.render.timeline import Window, timeline_picture

KINDS = ("timeline",)


def picture(
    trace: Sequence[Mapping[str, Any]],
    *,
    kind: str = "timeline",
    window: Window | None = None,
    races: Iterable[Any] = (),
    title: str = "",
) -> graphviz.Graph | graphviz.Digraph:
    """The picture of a recorded run (``trace``: its events; ``races``: its race reports,
    for ``kind="race"``)."""
    if kind == "timeline":
        return timeline_picture(timeline_of(trace), window=window, title=title)
    raise ConfigurationError(f"no picture of kind {kind!r} (kinds: {', '.join(KINDS)})")


__all__ = ["KINDS", "Window", "Written", "picture", "render_bytes", "write_picture"]
