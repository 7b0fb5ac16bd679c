"""Race reports: the detector's findings told as stories a learner can follow, and as plain
data for tools (``to_json``).

One report per place and kind: a **lost update** (it happened in this run), a **possible
atomicity violation** (a schedule exists in which it happens; not repeated for a place that
already has a lost update), a **data race** (conflicting accesses unordered by happens-before,
with whether the GIL makes every read-modify-write of the place atomic).  Thread names are
``threading``'s (``Thread-1 (work)``), read after the run.
"""

from __future__ import annotations

import linecache
import os
from typing import Any

import attrs

from gilsim.gil.watch import switch_phrase
from gilsim.races.detector import Access
from gilsim.races.places import Place, show


@attrs.frozen
class AccessInfo:
    """One access as reported: by whom, what (``action``: read, check, write, delete) with
    which value, where (file, line, the line's text, function, instruction), when (virtual
    ns) and after how many of its thread's switch points."""

    thread: str
    ident: int
    action: str
    value: str
    filename: str
    line: int | None
    source: str
    function: str
    opname: str
    time_ns: int
    switch_points: int

    def to_json(self) -> dict[str, Any]:
        return attrs.asdict(self)


@attrs.frozen
class SwitchInfo:
    """A place where the GIL passed (or could pass) from ``thread`` to another: how
    (``check point``, ``release``, ``exit``; ``None`` when only the place is known), where,
    to whom (``taker``, for a hand-off that happened), and ``text`` as the story tells it."""

    thread: str
    how: str | None
    filename: str
    line: int | None
    function: str
    opname: str
    taker: str | None
    text: str

    def to_json(self) -> dict[str, Any]:
        return attrs.asdict(self)


@attrs.frozen
class RaceReport:
    """One finding about one place (``place``: ``__main__.counter``, ``Account#1.balance``,
    ``cache['k']``; ``name``: as the story calls it).  ``count`` is how many times the run
    showed it (updates lost, unordered pairs).  ``accesses`` are the accesses of the story in
    order; ``switch`` the switch point it turns on; ``atomic`` (data races only) whether every
    read-modify-write of the place is atomic under the GIL."""

    kind: str
    place: str
    name: str
    place_kind: str
    threads: tuple[str, ...]
    count: int
    accesses: tuple[AccessInfo, ...]
    switch: SwitchInfo | None
    atomic: bool | None
    story: str

    def to_json(self) -> dict[str, Any]:
        data = attrs.asdict(self, recurse=False)
        data["threads"] = list(self.threads)
        data["accesses"] = [access.to_json() for access in self.accesses]
        data["switch"] = self.switch.to_json() if self.switch is not None else None
        return data


def race_reports(recorder: Any) -> list[RaceReport]:
    """Every finding of ``recorder``'s run: lost updates, then possible atomicity violations,
    then data races, each in the order their places were first touched."""
    teller = _Teller(recorder)
    detector = recorder.detector
    found: list[tuple[int, int, RaceReport]] = [
        (0, place.serial, teller.lost(place, lost)) for place, lost in detector.lost.items()
    ]
    violations: dict[Place, list[Any]] = {}
    for (place, _me, _them), violation in detector.violations.items():
        if place not in detector.lost:
            violations.setdefault(place, []).append(violation)
    found += [(1, place.serial, teller.violation(place, v)) for place, v in violations.items()]
    found += [(2, place.serial, teller.race(place, race)) for place, race in detector.races.items()]
    found.sort(key=lambda entry: entry[:2])
    return [report for _kind, _serial, report in found]


class _Teller:
    """Tells findings: names threads, places accesses in the source."""

    def __init__(self, recorder: Any) -> None:
        self.recorder = recorder
        interp = recorder.interp
        from gilsim.runtime.deadlock import thread_name

        self.names = {
            thread.ident: thread_name(interp, thread) for thread in interp.machine.threads
        }
        self.main_file = next(iter(recorder.sources), None)

    # -- pieces ---------------------------------------------------------------------------

    def name(self, tid: int | None) -> str:
        return self.names.get(tid, f"thread {tid:#x}") if tid is not None else "nobody"

    def short(self, tid: int | None) -> str:
        return self.name(tid).split(" (")[0]

    def line_text(self, filename: str, line: int | None) -> str:
        if line is None:
            return ""
        source = self.recorder.sources.get(filename)
        if source is not None:
            lines = source.splitlines()
            return lines[line - 1].strip() if 0 < line <= len(lines) else ""
        return linecache.getline(filename, line).strip()

    def location(self, filename: str, line: int | None) -> str:
        where = f"line {line}"
        if filename != self.main_file:
            where = f"{os.path.basename(filename)} {where}"
        return where

    def info(self, access: Access) -> AccessInfo:
        code = access.code
        line = code.line(access.index)
        filename = code.code.co_filename
        return AccessInfo(
            thread=self.name(access.tid),
            ident=access.tid,
            action=access.action,
            value=show(access.value),
            filename=filename,
            line=line,
            source=self.line_text(filename, line),
            function=code.code.co_qualname,
            opname=code.opnames[access.index],
            time_ns=access.time_ns,
            switch_points=access.points,
        )

    def did(self, info: AccessInfo, name: str) -> str:
        """``read counter=41 at line 7 (counter = f(counter))``."""
        if info.action == "check":
            what = f"checked {name} ({info.value})"
        elif info.action == "delete":
            what = f"deleted {name}"
        else:
            verb = "read" if info.action == "read" else "wrote"
            what = f"{verb} {name}={info.value}"
        where = self.location(info.filename, info.line)
        if info.source:
            where += f" ({info.source})"
        return f"{what} at {where}"

    def switch(self, where: Any, tid: int, how: str | None, taker: int | None) -> SwitchInfo:
        opname = where.opname
        location = self.location(where.filename, where.lineno)
        text = switch_phrase(where, self.short(tid), how, location)
        source = self.line_text(where.filename, where.lineno)
        if source and opname != "RESUME" and how != "exit":
            text += f" ({source})"
        return SwitchInfo(
            thread=self.name(tid),
            how=how,
            filename=where.filename,
            line=where.lineno,
            function=where.function,
            opname=opname,
            taker=self.name(taker) if taker is not None else None,
            text=text,
        )

    # -- the three stories -----------------------------------------------------------------

    def lost(self, place: Place, found: Any) -> RaceReport:
        name = place.short_name()
        read, other, write = (self.info(a) for a in (found.read, found.other, found.write))
        me, them = found.write.tid, found.other.tid
        parts = [f'lost update of {name}: thread "{self.name(me)}" {self.did(read, name)}']
        switch = None
        handoff = found.handoff
        if handoff is not None and handoff.where is not None:
            switch = self.switch(handoff.where, me, handoff.how, handoff.taker)
            parts.append(f'the GIL passed to "{switch.taker}" {switch.text}')
        parts.append(f"{self.short(them)} {self.did(other, name)}")
        parts.append(
            f"{self.short(me)} {self.did(write, name)}: the value {self.short(them)} wrote is lost"
        )
        story = "; ".join(parts)
        if found.count > 1:
            story += f" (updates of {name} were lost {found.count} times in this run)"
        return RaceReport(
            kind="lost update",
            place=place.name,
            name=name,
            place_kind=place.kind,
            threads=(self.name(me), self.name(them)),
            count=found.count,
            accesses=(read, other, write),
            switch=switch,
            atomic=None,
            story=story,
        )

    def violation(self, place: Place, found: list[Any]) -> RaceReport:
        name = place.short_name()
        first = found[0]
        me, them = first.write.tid, first.other.tid
        read, write, other = (self.info(a) for a in (first.read, first.write, first.other))
        where, exact = first.where
        switch = self.switch(where, me, None, None) if where is not None else None
        between = first.write.points - first.read.points
        story = (
            f'possible atomicity violation on {name}: thread "{self.name(me)}" '
            f"{self.did(read, name)} and later {self.did(write, name)}"
        )
        if switch is not None:
            if exact:
                story += f"; the GIL can pass to another thread in between, {switch.text}"
            else:
                story += f"; the GIL can pass to another thread in between (last {switch.text})"
            if between > 1:
                story += f" ({between} switch points lie between them)"
        story += (
            f'; thread "{self.name(them)}" also writes {name} (it {self.did(other, name)}) '
            "with no lock or join ordering it against them, so in some schedule its write "
            "falls in between and is lost"
        )
        count = sum(f.count for f in found)
        threads = {self.name(f.write.tid) for f in found} | {self.name(f.other.tid) for f in found}
        return RaceReport(
            kind="atomicity violation",
            place=place.name,
            name=name,
            place_kind=place.kind,
            threads=tuple(sorted(threads)),
            count=count,
            accesses=(read, write, other),
            switch=switch,
            atomic=None,
            story=story,
        )

    def race(self, place: Place, found: Any) -> RaceReport:
        name = place.short_name()
        earlier, later = (self.info(a) for a in found.first)
        tids = sorted({tid for pair in found.pairs for tid in pair}, key=self.name)
        writers = [self.short(t) for t in tids if place.sides[t].write is not None]
        readers = [self.short(t) for t in tids if place.sides[t].write is None]
        doing = f"{_and(writers)} {'write' if len(writers) > 1 else 'writes'} it"
        if readers:
            doing += f", {_and(readers)} {'read' if len(readers) > 1 else 'reads'} it"
        split = [self.short(t) for t in tids if place.sides[t].split_rmw]
        rmw = sum(place.sides[t].split_rmw + place.sides[t].atomic_rmw for t in tids)
        story = (
            f"data race on {name}: {doing}, with no lock or join ordering the accesses "
            f"(e.g. {earlier.thread.split(' (')[0]} {self.did(earlier, name)}, then "
            f"{later.thread.split(' (')[0]} {self.did(later, name)})"
        )
        if split:
            story += (
                f"; its read-modify-writes are not atomic under the GIL: {_and(split)} can "
                "lose the GIL between reading it and writing it back"
            )
        elif rmw:
            story += (
                "; every read-modify-write of it is atomic under the GIL (no switch point "
                "between the read and the write), so on CPython 3.11 no update is lost, but "
                "only the GIL's timing protects it"
            )
        else:
            story += "; no thread reads it and then writes it back"
        return RaceReport(
            kind="data race",
            place=place.name,
            name=name,
            place_kind=place.kind,
            threads=tuple(self.name(t) for t in tids),
            count=found.count,
            accesses=(earlier, later),
            switch=None,
            atomic=not split,
            story=story,
        )


def _and(names: list[str]) -> str:
    if len(names) <= 1:
        return "".join(names)
    return ", ".join(names[:-1]) + " and " + names[-1]


def races_summary(recorder: Any, reports: list[RaceReport]) -> dict[str, Any]:
    """The ``"races"`` object of the JSON summary (``docs/command-line.md``)."""
    places = recorder.places
    return {
        "accesses": recorder.seq,
        "places": places.serial,
        "truncated": places.full,
        "lost_updates": sum(1 for r in reports if r.kind == "lost update"),
        "atomicity_violations": sum(1 for r in reports if r.kind == "atomicity violation"),
        "data_races": sum(1 for r in reports if r.kind == "data race"),
        "reports": [report.to_json() for report in reports],
    }
