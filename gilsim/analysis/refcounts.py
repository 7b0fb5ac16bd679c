"""The reference count lanes of a run: each watched name's count over time, read from the
``refcount``, ``refcount_watch`` and ``dealloc`` events of its trace, and what went wrong
with it without a GIL, from ``refcount_lost``, ``use_after_free``, ``refcount_leak`` and
``refcount_short`` (``gilsim.interpreter.refcounts`` and ``obrefcnt`` record them)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

import attrs


@attrs.frozen
class RefcountLane:
    """One watched name: ``steps`` are ``(time_ns, count)``, each count (what CPython's
    ``ob_refcnt`` would hold) holding until the next step (a ``dealloc`` is a step to 0);
    ``freed`` the ``(time_ns, object)`` of each dealloc, ``rebound`` the ``(time_ns, type)``
    at which the name was bound to another object (objects are numbered from 1 in the order
    of binding).  Without a GIL: ``lost`` the times of the updates lost, ``early`` the
    ``(time_ns, object)`` of each dealloc while references remained, ``used`` of each use
    after such a free, ``leaked`` of each object that would never be freed."""

    name: str
    steps: tuple[tuple[int, int], ...]
    freed: tuple[tuple[int, int], ...] = ()
    rebound: tuple[tuple[int, str], ...] = ()
    lost: tuple[int, ...] = ()
    early: tuple[tuple[int, int], ...] = ()
    used: tuple[tuple[int, int], ...] = ()
    leaked: tuple[tuple[int, int], ...] = ()

    @property
    def high(self) -> int:
        return max((count for _, count in self.steps), default=0)


# The events that mark a lane without changing its count, by the field of the lane.
_MARKS = {"use_after_free": "used", "refcount_leak": "leaked"}


def refcount_lanes(trace: Iterable[Mapping[str, Any]]) -> tuple[RefcountLane, ...]:
    """A lane per watched name that was bound, in the order the names were first bound."""
    lanes: dict[str, dict[str, list[Any]]] = {}
    watched: dict[str, int] = {}  # the object each name is watched for now
    for event in trace:
        kind = event["event"]
        if kind == "refcount_watch":
            name = event["name"]
            lane = lanes.setdefault(name, {field: [] for field in _FIELDS})
            watched[name] = event["object"]
            if event["rebound"]:
                lane["rebound"].append((event["time_ns"], event["type"]))
        elif kind == "refcount":
            lanes[event["name"]]["steps"].append((event["time_ns"], event["count"]))
        elif kind == "dealloc":
            name = event["name"]
            lane = lanes[name]
            mark = (event["time_ns"], event["object"])
            lane["early" if event.get("early") else "freed"].append(mark)
            if event["object"] == watched.get(name):
                lane["steps"].append((event["time_ns"], 0))
        elif kind == "refcount_lost":
            lanes[event["name"]]["lost"].append(event["time_ns"])
        elif kind in _MARKS:
            lanes[event["name"]][_MARKS[kind]].append((event["time_ns"], event["object"]))
    return tuple(
        RefcountLane(name, **{field: tuple(values) for field, values in lane.items()})
        for name, lane in lanes.items()
    )


_FIELDS = ("steps", "freed", "rebound", "lost", "early", "used", "leaked")
