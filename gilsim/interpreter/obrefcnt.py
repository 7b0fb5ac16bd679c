"""What ``ob_refcnt`` holds: the watched counts of ``gilsim.interpreter.refcounts`` in
virtual-time order, with the updates that two threads running at once would lose.

``Py_INCREF`` and ``Py_DECREF`` of a GIL build are a plain ``ob_refcnt++`` and ``--``
(``Include/object.h``): a load, an add and a store, with no atomic instruction.  Two cores
that both load the count before either stores lose one of the two updates: the later store
overwrites the earlier (``docs/model/gil.md`` §5.1).  The GIL prevents it by letting one thread at
a time run bytecode.  ``--gil none`` removes it, and this module shows what happens then.

Notes about the model:

- An update is what one instruction does to a watched count: its net change, as the watch
  reads it after the instruction (references taken and dropped inside one instruction
  cancel).  It is one read-modify-write, at the time the instruction ends, and the updates
  are taken in that order.
- Its load happens ``RMW_WINDOW_NS`` before its store, and a store that lands inside
  another thread's window is overwritten by that thread's: the update is lost.  Measured on
  the machine gilsim's figures come from (``benchmarks/calibration/rmw_window.c``, five
  runs each): two threads on two cores, each doing ``addq $1, (mem)`` (what gcc makes of
  ``ob_refcnt++``) every 100 to 300 ns, lose 1.8% to 2.7% and 0.8% to 1.1% of their
  updates, a window of 1.6 to 2.8 ns (median 2.4).  Closer together the line is contended
  all the time and the window grows (3.5 to 9 ns at 30 to 50 ns apart): gilsim keeps the
  lower figure, so it errs toward losing fewer.
- Where the other thread's stores fall relative to one's own is taken as random within
  ``PHASE_SPAN_NS`` either side, if that thread updates the count on both sides of it.  On a real machine the two threads' phase drifts: the
  time of each instruction varies (a cache miss; the contended line moving between the
  cores, which cost each update up to 80 ns more in the measurement).  gilsim's costs are
  fixed, so comparing its store times would keep two threads running the same loop in one
  phase for the whole run, losing nearly every update or none.  So an update is lost with
  probability ``RMW_WINDOW_NS`` times the other threads' rate of updates around it (their
  updates within the span, over the time from their first there to their last): the
  relation the measurement fits.
- Only ``--gil none`` races.  With a GIL no two threads run bytecode at once; under
  ``--gil free-threaded`` a thread that does not own an object updates its count
  atomically (biased reference counting, PEP 703).  Either way nothing is lost, and the
  counts are the host's (the property tests check them).
- The consequences (`docs/model/gil.md` §5.1): a count that reaches 0 while references remain is an
  object CPython frees ("freed while still in use"), and the next update of its count, by
  any thread, is a use after free; references that all go while the count stays above 0
  leave an object that is never freed ("leaked").  A count still wrong when the run ends is
  a leak at exit (too high) or a free still to come (too low).

The order.  Threads without a GIL run in slices of virtual time, up to a lookahead apart
(``gilsim.machine.parallel``, "Threads without a GIL"), so updates reach the model in the host's
order, not in time order.  The model keeps them in a heap and takes them in time order once
every thread is past them (``HORIZON_LOOKAHEADS`` lookaheads behind the newest).  With a GIL
the host's order is time order, and each update is taken at once.
"""

from __future__ import annotations

import bisect
import heapq
import os
import random
from typing import Any

import attrs

from gilsim.interpreter import biased

# How long before its store an update's load happens (ns): measured, see above (the median
# at 100-300 ns apart).  A store of another thread that lands in it is overwritten.
RMW_WINDOW_NS = 2.5

# Either side of an update, the span (ns) within which the other threads' stores are taken
# to fall at random: longer than a loop's iteration, short enough that threads that take
# turns (a lock, an event) do not meet.
PHASE_SPAN_NS = 1000

# How far behind the newest update the model waits before taking one, in lookaheads of
# the machine: no thread runs more than one lookahead ahead of another that may act.
HORIZON_LOOKAHEADS = 4

# The states of a watched object, as CPython would see it.
LIVE = "live"
FREED = "freed"  # freed when its last reference went, as it should be
FREED_EARLY = "freed while still in use"
USED_AFTER_FREE = "used after free"
LEAKED = "leaked"


@attrs.frozen
class Place:
    """Where an update happened: at the end of which instruction (``time_ns``, when its
    trace events are recorded), on which thread, in which code (a ``DecodedCode``) at
    which instruction ``pc``."""

    time_ns: int
    thread: int | None
    code: Any = None
    pc: int = 0

    def fields(self) -> dict[str, Any]:
        """``file``, ``line``, ``opname``, ``function`` as trace fields (None if unknown)."""
        code = self.code
        if code is None:
            return {"file": None, "line": None, "opname": None, "function": None}
        return {
            "file": code.code.co_filename,
            "line": code.line(self.pc),
            "opname": code.opnames[self.pc],
            "function": code.code.co_name,
        }


@attrs.define(eq=False)
class Update:
    """One change of a watched object's count: ``delta``, or, for the first read after the
    name was bound, ``count`` itself (``delta`` None); ``freed``: the host freed the object
    there (its last reference went).  ``time_ns`` is when it happened, its place's
    time."""

    time_ns: float
    watched: Any  # ``refcounts.Watched``
    serial: int
    delta: int | None
    count: int
    place: Place
    freed: bool = False
    # Whether the count was read there (not so when the host freed it in a callback).
    read: bool = True


@attrs.define(eq=False)
class ObjectCount:
    """The count CPython would hold for one watched object: ``references`` that exist
    (the host's count), plus ``error``, the sum of the updates lost."""

    serial: int
    type_name: str = "object"
    references: int = 0
    error: int = 0
    state: str = LIVE
    # The updates taken (a first read is none), and how many of them were lost.
    updates: int = 0
    lost: int = 0
    # The first update lost: where it was made, and where the one that overwrote it.
    first_lost: tuple[Place, Place] | None = None
    # Under free threading: its biased count, and where (and how) its owner gave it up.
    biased: biased.BiasedCount | None = None
    merged: tuple[Place, str] | None = None
    # Under free threading, if it is immortal there (``biased.immortal``): since when and
    # what it is; the updates its count did not take for that, and the first of them.
    immortal: tuple[str, str] | None = None
    skipped: int = 0
    first_skipped: Place | None = None
    # Each thread's updates still near enough to the next taken to meet it: their times
    # and themselves, in time order (a thread makes its updates in time order).
    times: dict[int | None, list[float]] = attrs.field(factory=dict)
    made: dict[int | None, list[Update]] = attrs.field(factory=dict)
    # Where CPython would have freed it too early, and where it was used after that;
    # where it leaked (its last reference went, or the run ended, with its count above 0);
    # whether the run ended with its count below its references.
    freed_at: Place | None = None
    used_at: Place | None = None
    leaked_at: Place | None = None
    short_at_exit: bool = False

    @property
    def leaked(self) -> bool:
        return self.leaked_at is not None

    @property
    def count(self) -> int:
        return self.references + self.error


class Counts:
    """The counts of one interpreter's watched objects, in time order (``Watch.counts``)."""

    def __init__(self, watch: Any, seed: int) -> None:
        self.watch = watch
        interp = watch.interp
        # Its own generator, seeded from the run's: drawing from the engine's would change
        # the schedule of a watched run.
        self.random = random.Random(f"ob_refcnt {seed}")
        gil = interp.gil
        self.parallel = gil.threads_in_parallel
        # Whether updates can be lost: threads at once, and plain ``ob_refcnt++``; or
        # counts are biased (``gilsim.interpreter.biased``).  The GIL's kind says which.
        self.racing = self.parallel and gil.refcounting == "plain"
        self.biased = gil.refcounting == "biased"
        # When the program started its first thread, which made the objects of deferred
        # reference counting immortal (``biased.DEFERRED``).
        self.immortal_from_ns = float("inf")
        self.horizon_ns = HORIZON_LOOKAHEADS * interp.machine.spec.lookahead_ns
        self.pending: list[tuple[float, int, Update]] = []
        self.sequence = 0
        self.finished = False
        # The object each update was for, by watched name and serial.
        self.objects: dict[tuple[str, int], ObjectCount] = {}

    def add(self, update: Update) -> None:
        """An update, as the host made it: taken now with a GIL, later without one."""
        if self.racing and update.delta is not None:
            obj = self.object(update.watched, update.serial)
            thread = update.place.thread
            times = obj.times.setdefault(thread, [])
            at = bisect.bisect_right(times, update.time_ns)
            times.insert(at, update.time_ns)
            obj.made.setdefault(thread, []).insert(at, update)
        if not self.parallel or self.finished:
            self._take(update)
            return
        self.sequence += 1
        heapq.heappush(self.pending, (update.time_ns, self.sequence, update))
        horizon = update.time_ns - self.horizon_ns
        pending = self.pending
        while pending and pending[0][0] <= horizon:
            self._take(heapq.heappop(pending)[2])

    def finish(self, end: Place) -> None:
        """The run is over: take every update left, then say what is still wrong."""
        while self.pending:
            self._take(heapq.heappop(self.pending)[2])
        self.finished = True
        for watched in self.watch.watched:
            obj = self.objects.get((watched.name, watched.bindings))
            if obj is None or obj.state != LIVE or obj.error == 0:
                continue
            if obj.error > 0:
                obj.leaked_at = end
                event = "refcount_leak"
            else:
                obj.short_at_exit = True
                event = "refcount_short"
            self._record(
                event,
                end,
                name=watched.name,
                object=obj.serial,
                count=obj.count,
                references=obj.references,
                at_exit=True,
            )

    def object(
        self,
        watched: Any,
        serial: int,
        type_name: str = "object",
        immortal: tuple[str, str] | None = None,
    ) -> ObjectCount:
        """The count of object number ``serial`` of ``watched``, made on first use
        (``immortal``: what ``biased.immortal`` says of it, kept under free threading)."""
        key = (watched.name, serial)
        obj = self.objects.get(key)
        if obj is None:
            obj = self.objects[key] = ObjectCount(serial, type_name)
            obj.immortal = immortal if self.biased else None
        return obj

    def thread_started(self, time_ns: float) -> None:
        """The program started a thread at ``time_ns``."""
        self.immortal_from_ns = min(self.immortal_from_ns, time_ns)

    def _is_immortal(self, obj: ObjectCount, time_ns: float) -> bool:
        if obj.immortal is None:
            return False
        return obj.immortal[0] == biased.STATIC or time_ns >= self.immortal_from_ns

    def of(self, watched: Any) -> list[ObjectCount]:
        """The counts of every object ``watched`` was bound to, in binding order."""
        return [self.objects[key] for key in sorted(self.objects) if key[0] == watched.name]

    # -- one update, in time order ------------------------------------------------------

    def _take(self, update: Update) -> None:
        watched = update.watched
        obj = self.object(watched, update.serial)
        if obj.state == FREED_EARLY:
            # CPython freed it: whatever touches its count now touches freed memory.
            obj.state = USED_AFTER_FREE
            obj.used_at = update.place
            self._record(
                "use_after_free",
                update.place,
                name=watched.name,
                object=obj.serial,
                freed_ns=obj.freed_at.time_ns if obj.freed_at is not None else None,
                **update.place.fields(),
            )
            return
        if obj.state != LIVE:
            return
        immortal = self._is_immortal(obj, update.time_ns)
        if update.delta is None:
            obj.references = update.count
            if self.biased and not immortal:
                obj.biased = biased.BiasedCount(update.place.thread, local=update.count)
        else:
            obj.updates += 1
            obj.references += update.delta
            if self.racing:
                self._race(watched, obj, update)
            if immortal:
                # ``_Py_IsImmortal``: the update is skipped, its count left alone.
                obj.skipped += 1
                if obj.first_skipped is None:
                    obj.first_skipped = update.place
            elif obj.biased is not None:
                self._bias(watched, obj, update)
        self._settle(watched, obj, update, immortal)

    def _bias(self, watched: Any, obj: ObjectCount, update: Update) -> None:
        """Count ``update`` in its object's local or shared field, and record a merge."""
        assert obj.biased is not None and update.delta is not None
        owner = obj.biased.owner
        happened = obj.biased.update(update.place.thread, update.delta)
        if happened is None:
            return
        obj.merged = (update.place, happened)
        self._record(
            "refcount_merge",
            update.place,
            name=watched.name,
            object=obj.serial,
            owner=owner,
            queued=happened == biased.QUEUED,
            count=obj.biased.shared,
            **update.place.fields(),
        )

    def _race(self, watched: Any, obj: ObjectCount, update: Update) -> None:
        """Lose ``update`` with probability ``RMW_WINDOW_NS`` times the other threads' rate
        of updates of the count around it: a store of theirs landed between its load and
        its store, and overwrote it."""
        rate = 0.0
        by: Update | None = None
        for thread, times in obj.times.items():
            if thread == update.place.thread:
                _forget(obj, thread, bisect.bisect_left(times, update.time_ns - PHASE_SPAN_NS))
                continue
            around = _around(times, obj.made[thread], update.time_ns)
            if around is not None:
                rate += around[0]
                if by is None or _apart(around[1], update) < _apart(by, update):
                    by = around[1]
        if by is None or self.random.random() >= RMW_WINDOW_NS * rate:
            return
        assert update.delta is not None and by is not None
        obj.error -= update.delta
        obj.lost += 1
        if obj.first_lost is None:
            obj.first_lost = (update.place, by.place)
        self._record(
            "refcount_lost",
            update.place,
            name=watched.name,
            object=obj.serial,
            delta=update.delta,
            by_thread=by.place.thread,
            by_line=by.place.fields()["line"],
            **update.place.fields(),
        )

    def _settle(self, watched: Any, obj: ObjectCount, update: Update, immortal: bool) -> None:
        """Record the count after ``update``, and what it leads to (``immortal``: its
        count is immortal now, under free threading)."""
        count = obj.count
        if update.freed:
            # The program's last reference went (the host freed it).
            if count > 0:
                obj.state = LEAKED
                obj.leaked_at = update.place
                self._record(
                    "refcount_leak",
                    update.place,
                    name=watched.name,
                    object=obj.serial,
                    count=count,
                    references=0,
                    at_exit=False,
                    **update.place.fields(),
                )
                return
            obj.state = FREED
            if update.read:
                self.watch.note(watched, obj.serial, 0, update.place)
            self.watch.freed(watched, obj.serial, update.place)
            return
        if count <= 0 < obj.references:
            # ``Py_DECREF`` reached 0: ``_Py_Dealloc`` runs, though references remain.
            obj.state = FREED_EARLY
            obj.freed_at = update.place
            self.watch.note(watched, obj.serial, 0, update.place, obj.references)
            self.watch.freed(
                watched, obj.serial, update.place, early=True, references=obj.references
            )
            return
        fields: dict[str, Any] = {}
        if immortal:
            fields = {"immortal": True}
        elif obj.biased is not None:
            fields = {"local": obj.biased.local, "shared": obj.biased.shared}
        self.watch.note(watched, obj.serial, count, update.place, obj.references, **fields)

    def _record(self, event: str, place: Place, **fields: Any) -> None:
        self.watch.record(event, place, **fields)


# -- what to tell the user ----------------------------------------------------------------


def _around(times: list[float], made: list[Update], time_ns: float) -> tuple[float, Update] | None:
    """The rate (per ns) at which a thread whose updates are ``made`` at ``times`` updates
    the count within ``PHASE_SPAN_NS`` of ``time_ns``, and its update nearest to it; None
    unless it updates it on both sides (a thread that starts or stops near an update does
    not meet it)."""
    first = bisect.bisect_left(times, time_ns - PHASE_SPAN_NS)
    last = bisect.bisect_right(times, time_ns + PHASE_SPAN_NS) - 1
    after = bisect.bisect_right(times, time_ns)
    if not first < after <= last:
        return None
    rate = (last - first) / max(times[last] - times[first], RMW_WINDOW_NS)
    before_ns, after_ns = time_ns - times[after - 1], times[after] - time_ns
    return rate, made[after if after_ns < before_ns else after - 1]


def _apart(update: Update, other: Update) -> float:
    return abs(update.time_ns - other.time_ns)


def _forget(obj: ObjectCount, thread: int | None, first: int) -> None:
    """Drop ``thread``'s updates before index ``first``, when there are enough to matter:
    updates are taken in time order, so nothing needs them any more."""
    if first > 1024:
        del obj.times[thread][:first]
        del obj.made[thread][:first]


def consequences(
    name: str, obj: ObjectCount, threads: dict[int, str], several: bool = False
) -> list[str]:
    """What went wrong with the count of object ``obj`` of ``--refcount name``, a sentence
    each (``threads`` names the threads, by ident; ``several``: the name was bound to
    several objects, so say which): nothing if nothing did."""
    said = []
    number = f"object {obj.serial}, " if several else ""
    article = "an" if obj.type_name[:1].lower() in "aeiou" else "a"
    what = f"--refcount {name} ({number}{article} {obj.type_name})"
    if obj.first_lost is not None:
        lost, by = obj.first_lost
        said.append(
            f"{what}: {obj.lost:,} update{'s' if obj.lost != 1 else ''} of its count lost "
            f"without a GIL: two threads' non-atomic ob_refcnt updates overlapped and the "
            f"later store overwrote the earlier (the first at {_at(lost)}: "
            f"{_who(by, threads)} at {_where(by)} overwrote {_who(lost, threads)}'s at "
            f"{_where(lost)})"
        )
    if obj.freed_at is not None:
        freed = obj.freed_at
        said.append(
            f"{what}: its count reached 0 at {_at(freed)} ({_who(freed, threads)} at "
            f"{_where(freed)}) while references remained: CPython would free it there, "
            f"still in use"
        )
        if obj.used_at is not None:
            used = obj.used_at
            said.append(
                f"{what}: used after it was freed, at {_at(used)} ({_who(used, threads)} at "
                f"{_where(used)}): a use after free, which in CPython corrupts memory or "
                f"crashes"
            )
    if obj.leaked_at is not None:
        leaked = obj.leaked_at
        if obj.state == LEAKED:
            said.append(
                f"{what}: leaked: its last reference went at {_at(leaked)} "
                f"({_who(leaked, threads)} at {_where(leaked)}) with its count still at "
                f"{obj.count}: CPython would never free it"
            )
        else:
            said.append(
                f"{what}: leaked at exit: its count is {obj.count}, {obj.error} more than "
                f"the {obj.references} reference{'s' if obj.references != 1 else ''} that "
                f"exist, so it would never be freed"
            )
    if obj.biased is not None and obj.biased.local_updates + obj.biased.shared_updates:
        said.append(_biased_story(what, obj, threads))
    if obj.immortal is not None and obj.skipped:
        said.append(_immortal_story(what, obj))
    if obj.short_at_exit:
        said.append(
            f"{what}: at exit its count is {obj.count}, {-obj.error} short of the "
            f"{obj.references} reference{'s' if obj.references != 1 else ''} that exist: "
            f"CPython would free it while still in use once enough of them go"
        )
    return said


def _biased_story(what: str, obj: ObjectCount, threads: dict[int, str]) -> str:
    """What biased reference counting did with ``obj``'s count (under free threading)."""
    counts = obj.biased
    assert counts is not None
    owner = threads.get(counts.made_by, "the interpreter") if counts.made_by else "nobody"
    story = (
        f"{what}: biased reference counting: owned by {owner}, whose "
        f"{counts.local_updates:,} update{'s' if counts.local_updates != 1 else ''} were "
        f"plain adds to ob_ref_local; other threads' {counts.shared_updates:,} were atomic "
        f"adds to ob_ref_shared"
    )
    if obj.merged is None:
        return story
    place, how = obj.merged
    if how == biased.QUEUED:
        cause = f"{_who(place, threads)} dropped a reference its owner had counted"
    else:
        cause = "its owner's own count reached 0 with other threads' references left"
    return f"{story}; at {_at(place)} {cause} ({_where(place)}), and its count was merged"


def _immortal_story(what: str, obj: ObjectCount) -> str:
    """Why free threading left ``obj``'s count alone (it is immortal there)."""
    when, kind = obj.immortal or ("", "")
    n = obj.skipped
    updates = f"{n:,} update{'s' if n != 1 else ''} of its count"
    if when == biased.STATIC:
        return (
            f"{what}: immortal under free threading ({kind}, allocated statically, PEP 683): "
            f"Py_INCREF and Py_DECREF left it alone, so its {updates} were skipped and no "
            f"thread wrote to it"
        )
    since = _at(obj.first_skipped) if obj.first_skipped is not None else "the end"
    return (
        f"{what}: immortal under free threading from the first thread's start on ({kind}, "
        f"of deferred reference counting, made immortal then, gh-117783): its {updates} "
        f"from {since} on were skipped"
    )


def _at(place: Place) -> str:
    """The time of ``place`` to the nanosecond: these things happen nanoseconds apart."""
    return f"{place.time_ns / 1e6:.6f} ms"


def _who(place: Place, threads: dict[int, str]) -> str:
    if place.thread is None:
        return "the interpreter"
    return threads.get(place.thread, f"thread {place.thread}")


def _where(place: Place) -> str:
    fields = place.fields()
    if fields["file"] is None:
        return "an unknown place"
    return f"{os.path.basename(fields['file'])} line {fields['line']} ({fields['opname']})"
