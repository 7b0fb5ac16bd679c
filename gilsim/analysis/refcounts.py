"""The reference count lanes of a run: each watched name's count over time, read from the
``refcount``, ``refcount_watch`` and ``dealloc`` events of its trace
(``gilsim.interpreter.refcounts`` records them)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

import attrs


@attrs.frozen
class RefcountLane:
    """One watched name: ``steps`` are ``(time_ns, count)``, each count holding until the
    next step (a ``dealloc`` is a step to 0); ``freed`` the ``(time_ns, object)`` of each
    dealloc, ``rebound`` the ``(time_ns, type)`` at which the name was bound to another
    object (objects are numbered from 1 in the order of binding)."""

    name: str
    steps: tuple[tuple[int, int], ...]
    freed: tuple[tuple[int, int], ...] = ()
    rebound: tuple[tuple[int, str], ...] = ()

    @property
    def high(self) -> int:
        return max((count for _, count in self.steps), default=0)


def refcount_lanes(trace: Iterable[Mapping[str, Any]]) -> tuple[RefcountLane, ...]:
    """A lane per watched name that was bound, in the order the names were first bound."""
    steps: dict[str, list[tuple[int, int]]] = {}
    freed: dict[str, list[tuple[int, int]]] = {}
    rebound: dict[str, list[tuple[int, str]]] = {}
    watched: dict[str, int] = {}  # the object each name is watched for now
    for event in trace:
        kind = event["event"]
        if kind == "refcount_watch":
            name = event["name"]
            steps.setdefault(name, [])
            freed.setdefault(name, [])
            rebound.setdefault(name, [])
            watched[name] = event["object"]
            if event["rebound"]:
                rebound[name].append((event["time_ns"], event["type"]))
        elif kind == "refcount":
            steps[event["name"]].append((event["time_ns"], event["count"]))
        elif kind == "dealloc":
            name = event["name"]
            freed[name].append((event["time_ns"], event["object"]))
            if event["object"] == watched.get(name):
                steps[name].append((event["time_ns"], 0))
    return tuple(
        RefcountLane(name, tuple(steps[name]), tuple(freed[name]), tuple(rebound[name]))
        for name in steps
    )
