"""The race detector: checks each access against what it remembers of its place, as the run
goes (so that a long run keeps only a bounded record per place).

Per place and thread (a ``Side``) it keeps the thread's last read and last write, the first
read since its last write, still waiting for a write (a read followed by a write of the same
place by the same thread is a *read-modify-write*: ``counter = f(counter)``,
``if x is None: x = make()``, ``if k not in d: d[k] = v``, ``if s[k] > 0: ...; s[k] -= 1``),
and the thread's last read-modify-write that had a switch point between its read and its
write.  Three kinds of findings come out, per place:

- a **lost update** happened: thread A read, another thread wrote, then A wrote what it had
  computed from the value it read, overwriting the other write (FastTrack would miss none of
  these: they are in the run, whatever the clocks say);
- a **possible atomicity violation**: A's read-modify-write has a switch point between its
  read and its write, and another thread writes the place with no happens-before order
  against it, so some schedule puts that write in between (the run need not have);
- a **data race**: two threads access the place, at least one writes, unordered by
  happens-before (checked as FastTrack does, against each other thread's last read and write;
  Flanagan and Freund, PLDI 2009).

Whether a read-modify-write is atomic *under the GIL* is told by the watcher's switch point
counts (``gilsim.gil.watch``): with the same count at the read and the write, no other thread
could run in between.
"""

from __future__ import annotations

from typing import Any

from gilsim.races.happens_before import VectorClock, ordered
from gilsim.races.places import Place


class Access:
    """One recorded access: who (thread ident), when (sequence number in the run, virtual
    time), in which epoch and with which vector clock, after how many of the thread's switch
    points (``points``) and GIL hand-offs of the run (``handoffs``), where (decoded code and
    instruction number), what (``action``: read, check, write or delete) and the value
    (``places.capture``)."""

    __slots__ = (
        "seq",
        "tid",
        "epoch",
        "clock",
        "points",
        "handoffs",
        "code",
        "index",
        "action",
        "value",
        "time_ns",
    )

    def __init__(
        self,
        seq: int,
        tid: int,
        clock: VectorClock,
        points: int,
        handoffs: int,
        code: Any,
        index: int,
        action: str,
        value: Any,
        time_ns: int,
    ) -> None:
        self.seq = seq
        self.tid = tid
        self.epoch = clock[tid]
        self.clock = clock
        self.points = points
        self.handoffs = handoffs
        self.code = code
        self.index = index
        self.action = action
        self.value = value
        self.time_ns = time_ns

    @property
    def is_write(self) -> bool:
        return self.action in ("write", "delete")


class Side:
    """What the detector remembers of one thread's accesses to one place."""

    __slots__ = ("read", "write", "pending", "split", "atomic_rmw", "split_rmw")

    def __init__(self) -> None:
        self.read: Access | None = None
        self.write: Access | None = None
        self.pending: Access | None = None
        # The last read-modify-write with a switch point inside: (read, write, where).
        self.split: tuple[Access, Access, Any] | None = None
        self.atomic_rmw = 0
        self.split_rmw = 0


class LostUpdate:
    """Lost updates of one place: how many, and the first as (read, hand-off, the other
    thread's write, the overwriting write)."""

    __slots__ = ("count", "read", "handoff", "other", "write")

    def __init__(self, read: Access, handoff: Any, other: Access, write: Access) -> None:
        self.count = 1
        self.read, self.handoff, self.other, self.write = read, handoff, other, write


class Violation:
    """A possible atomicity violation of one place by one thread's read-modify-write against
    another thread's write: how many such pairs, and the first."""

    __slots__ = ("count", "read", "write", "where", "other")

    def __init__(self, read: Access, write: Access, where: Any, other: Access) -> None:
        self.count = 1
        self.read, self.write, self.where, self.other = read, write, where, other


class Race:
    """Data races on one place: how many unordered conflicting pairs, between which threads,
    and the first pair (earlier access, later access)."""

    __slots__ = ("count", "pairs", "first")

    def __init__(self, first: tuple[Access, Access]) -> None:
        self.count = 0
        self.pairs: set[frozenset[int]] = set()
        self.first = first


class Detector:
    """Findings per place, updated at every access (``read``/``write``).

    ``where_after(tid, points)`` tells where thread ``tid`` passed its switch point number
    ``points + 1``; ``handoff_between(giver, start, end)`` the first hand-off of the GIL by
    ``giver`` among hand-offs ``start`` to ``end`` of the run."""

    def __init__(self, where_after: Any, handoff_between: Any) -> None:
        self.where_after = where_after
        self.handoff_between = handoff_between
        self.lost: dict[Place, LostUpdate] = {}
        self.violations: dict[tuple[Place, int, int], Violation] = {}
        self.races: dict[Place, Race] = {}

    def read(self, place: Place, access: Access) -> None:
        sides = place.sides
        tid = access.tid
        side = sides.get(tid)
        if side is None:
            side = sides[tid] = Side()
        side.read = access
        if side.pending is None:
            # The first read since the thread's own last write: what it decides on (the
            # check of check-then-act, ``if stock[k] > 0: ... stock[k] -= 1``), not a later
            # read of the same value just before the write.
            side.pending = access
        if len(sides) > 1:
            clock = access.clock
            for other, other_side in sides.items():
                write = other_side.write
                if other != tid and write is not None and not ordered(other, write.epoch, clock):
                    self._race(place, write, access)

    def write(self, place: Place, access: Access) -> None:
        sides = place.sides
        tid = access.tid
        side = sides.get(tid)
        if side is None:
            side = sides[tid] = Side()
        read = side.pending
        if read is not None:
            side.pending = None
            self._read_modify_write(place, side, read, access)
        if len(sides) > 1:
            clock = access.clock
            for other, other_side in sides.items():
                if other == tid:
                    continue
                previous = other_side.write
                if previous is not None and not ordered(other, previous.epoch, clock):
                    self._race(place, previous, access)
                previous = other_side.read
                if previous is not None and not ordered(other, previous.epoch, clock):
                    self._race(place, previous, access)
                split = other_side.split
                if split is not None and not ordered(other, split[1].epoch, clock):
                    self._violation(place, split, access)
        side.write = access
        place.last_write = access

    def _read_modify_write(self, place: Place, side: Side, read: Access, write: Access) -> None:
        last = place.last_write
        if last is not None and last.tid != write.tid and last.seq > read.seq:
            # Another thread wrote between this thread's read and its write: lost.
            found = self.lost.get(place)
            if found is None:
                handoff = self.handoff_between(write.tid, read.handoffs, last.handoffs)
                self.lost[place] = LostUpdate(read, handoff, last, write)
            else:
                found.count += 1
        if read.points == write.points:
            side.atomic_rmw += 1
            return
        side.split_rmw += 1
        where = self.where_after(write.tid, read.points)
        split = side.split = (read, write, where)
        for other, other_side in place.sides.items():
            previous = other_side.write
            if (
                other != write.tid
                and previous is not None
                and not ordered(other, previous.epoch, read.clock)
            ):
                self._violation(place, split, previous)

    def _violation(self, place: Place, split: tuple[Access, Access, Any], other: Access) -> None:
        read, write, where = split
        key = (place, write.tid, other.tid)
        found = self.violations.get(key)
        if found is None:
            self.violations[key] = Violation(read, write, where, other)
        else:
            found.count += 1

    def _race(self, place: Place, earlier: Access, later: Access) -> None:
        found = self.races.get(place)
        if found is None:
            found = self.races[place] = Race((earlier, later))
        found.count += 1
        found.pairs.add(frozenset((earlier.tid, later.tid)))
