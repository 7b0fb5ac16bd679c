"""Dynamic partial-order reduction: from one run, the other choices worth trying.

Two schedules that only reorder segments that commute (touch nothing in common, or only read
it) end the same way, so an exhaustive search need not try both.  Dynamic partial-order
reduction (Flanagan and Godefroid, "Dynamic partial-order reduction for model checking
software", POPL 2005) finds, in a finished run, each *race*: a segment ``e`` of thread ``p``
and an earlier segment ``e'`` of another thread that does not commute with it and is not
ordered before ``p`` by anything else the run did.  Reversing them may change the outcome, so
the search must also try giving the GIL to ``p`` at the choice point where ``e'`` began (or,
if ``p`` could not run there, to every thread that could): a *backtrack point*.  Segments that
commute are never reordered.

A segment can begin with no choice made although another thread could have run first.  A
voluntary release that does not block (``time.sleep(0)``: ``pysleep`` releases the GIL for
every duration, ``docs/model/gil.md`` §4) signals the one waiter; the OS wakes it, but the releaser
takes the GIL back in the same instant, and the woken thread is not among the GIL's waiters
again (so no check point offers it) until it has run back into its wait.  In CPython it could
have won the GIL there; in a run the releaser's next segments begin with no choice.  The
search can let another thread in only at an earlier choice point, so a race with such a
segment is reversed at the latest choice point before it (not dropped, as if nobody else
could have run).

Segments are the steps: what a thread does holding the GIL between two of its switch points
(``gilsim.gil.watch.Step``), each with the keys it touched and how (``gilsim.races.recorder``).
Modes, and which pairs of them by different threads do not commute:

========  =============================================================================
``r w``   a place read or written: ``w`` against ``r`` and ``w``
``ir iw`` an item of a container, on the container's key: against a whole-container
          ``W``; ``iw`` also against ``R`` (two items are places of their own)
``R W``   a whole container read or written by native code: ``W`` against everything,
          ``R`` against ``W`` and ``iw``
``acq``   a lock acquired: against another ``acq`` (who gets the lock first); ``rel``
``rel``   orders a later ``acq`` after it but is no race with it (the acquirer could not
          have had the lock before the release)
``start`` a thread started and its first segment (``begin``): ordered, never a race
========  =============================================================================

A preemption bound makes plain DPOR miss schedules: reversing a race may need a preemption the
bound forbids, while a switch a little earlier, where the thread had just got the GIL, would
reach the same order without one.  So each backtrack point also adds the same choice at the
start of the block of segments the racing thread ran without a break (Coons, Musuvathi and
McKinley, "Bounded partial-order reduction", OOPSLA 2013).

Neither point is enough when, in that block, the racing thread took a lock the other thread
had held (a lock handed on).  Blocking on a lock passes the GIL on without costing a
preemption: after a switch inside the other thread's critical section, the racing thread comes
to the lock and blocks, and whoever runs next (a third thread, or the one that holds the
lock) runs first at no further cost.  Through either point of plain BPOR each of those
switches is a preemption of its own, so an outcome that needs a thread preempted holding a
lock and another blocked on it can be out of the bound's reach there.  So the race is also
reversed at the latest choice point inside that critical section (after the acquire, before
the release), where the racing thread gets the GIL (or, if it could not run there, every
thread that could), if that needs fewer preemptions than the race's own point; where it needs
no fewer, the race's own point is in reach whenever it is, and is tried as in plain DPOR.
"""

from __future__ import annotations

import math
from collections.abc import Hashable, Iterable, Sequence
from typing import Any

from gilsim.gil.watch import Step

# Pairs of modes (by different threads) whose order decides something.
_DEPENDENT = {
    ("r", "w"),
    ("w", "r"),
    ("w", "w"),
    ("ir", "W"),
    ("iw", "W"),
    ("iw", "R"),
    ("R", "W"),
    ("R", "iw"),
    ("W", "W"),
    ("W", "R"),
    ("W", "ir"),
    ("W", "iw"),
    ("acq", "acq"),
    ("acq", "rel"),
    ("rel", "acq"),
    ("rel", "rel"),
    ("start", "begin"),
    ("begin", "start"),
}
# Of those, the pairs that two threads could have done in the other order.
_RACING = _DEPENDENT - {
    ("acq", "rel"),
    ("rel", "acq"),
    ("rel", "rel"),
    ("start", "begin"),
    ("begin", "start"),
}

# A vector clock over steps: thread ident -> how many of its steps happen before.
Clock = dict[int, int]


def backtracks(
    steps: Sequence[Step],
    segments: dict[tuple[int, int], dict[Hashable, set[str]]],
    log: Sequence[Any],
    number: dict[int, int],
) -> set[tuple[int, int]]:
    """The backtrack points of a run: (choice point, thread number) pairs to try.

    ``steps`` are the run's segments in the order they ran, ``segments`` what each touched,
    ``log`` its choice points (``ChoicePoint``: ``options`` and ``chosen``, thread numbers),
    ``number`` maps thread idents to thread numbers."""
    found: set[tuple[int, int]] = set()
    block_start = _block_starts(steps)
    chosen_at = _chosen_at(steps)
    thread_clock: dict[int, Clock] = {}
    before = _preemptions_before(log)
    step_clock: list[Clock] = []
    # Per key: (thread ident, mode) -> the last step of that thread that touched it so.
    last: dict[Hashable, dict[tuple[int, str], int]] = {}
    # Per step: the critical sections of other threads whose lock it acquired, as (the step
    # that released the lock, the releaser's acquire of it before, or -1).
    handed: dict[int, list[tuple[int, int]]] = {}
    for index, step in enumerate(steps):
        ident = step.ident
        clock = dict(thread_clock.get(ident, {}))
        # Keys in the order the segment first touched them: what an earlier key (a lock it
        # acquired) ordered before the thread orders the later ones too.
        touched = segments.get((step.ident, step.points), {})
        for key, modes in touched.items():
            history = last.get(key)
            if not history:
                continue
            racing = -1
            joined = []
            for (other, other_mode), at in history.items():
                if other == ident:
                    continue
                pairs = [(mode, other_mode) for mode in modes]
                if not any(pair in _DEPENDENT for pair in pairs):
                    continue
                joined.append(at)
                if "acq" in modes and other_mode == "rel":
                    acquired = history.get((other, "acq"), -1)
                    handed.setdefault(index, []).append((at, acquired))
                unordered = step_clock[at][other] > clock.get(other, 0)
                if unordered and at > racing and any(pair in _RACING for pair in pairs):
                    racing = at
            for at in joined:
                _join(clock, step_clock[at])
            if racing >= 0:
                _backtrack(found, steps, log, chosen_at[racing], number[ident])
                start = block_start[racing]
                if start != racing:
                    _backtrack(found, steps, log, start, number[ident])
                # The racing block took a lock this thread had held: also inside its
                # critical section, where the racing thread would block (module docstring).
                sections = [
                    (released, acquired)
                    for taken in range(start, racing + 1)
                    for released, acquired in handed.get(taken, ())
                    if steps[released].ident == ident
                ]
                if sections:
                    own = _cost(before, steps, log, chosen_at[racing], number[ident])
                    racer = number[steps[racing].ident]
                    for released, acquired in sections:
                        inside = chosen_at[released]
                        if inside is None or inside <= acquired:
                            continue  # no choice point after the acquire: none inside
                        if _cost(before, steps, log, inside, racer) < own:
                            _backtrack(found, steps, log, inside, racer)
        clock[ident] = clock.get(ident, 0) + 1
        step_clock.append(clock)
        thread_clock[ident] = clock
        for key, modes in touched.items():
            history = last.setdefault(key, {})
            for mode in modes:
                history[(ident, mode)] = index
    return found


def _join(clock: Clock, other: Clock) -> None:
    for thread, count in other.items():
        if count > clock.get(thread, 0):
            clock[thread] = count


def _block_starts(steps: Sequence[Step]) -> list[int]:
    """For each step, the first of the steps its thread ran before it without a break."""
    starts: list[int] = []
    for index, step in enumerate(steps):
        if index and steps[index - 1].ident == step.ident:
            starts.append(starts[-1])
        else:
            starts.append(index)
    return starts


def _chosen_at(steps: Sequence[Step]) -> list[int | None]:
    """For each step, the latest step at or before it that began at a choice point (None
    if none did): where the search could last have run another thread first."""
    latest: int | None = None
    found: list[int | None] = []
    for index, step in enumerate(steps):
        if step.choice is not None:
            latest = index
        found.append(latest)
    return found


def _backtrack(
    found: set[tuple[int, int]],
    steps: Sequence[Step],
    log: Sequence[Any],
    at: int | None,
    thread: int,
) -> None:
    """Run ``thread`` instead of step ``at``'s thread where that step began, if a choice was
    made there; if ``thread`` could not run there, every thread that could."""
    choice = steps[at].choice if at is not None else None
    if choice is None:
        return  # no choice there (a block that began with none): nothing to choose
    for option in _alternatives(log[choice], thread):
        found.add((choice, option))


def _alternatives(point: Any, thread: int) -> list[int]:
    """What to run instead at choice point ``point``: ``thread``, or if it could not run
    there, every thread that could; never the one chosen."""
    alternatives: Iterable[int] = (thread,) if thread in point.options else point.options
    return [option for option in alternatives if option != point.chosen]


def _preemptions_before(log: Sequence[Any]) -> list[int]:
    """For each choice point, the preemptions the run made before it (choices at a check
    point other than going on, ``gilsim.schedules.schedule.preemptions``)."""
    counts = [0]
    for point in log:
        counts.append(counts[-1] + (point.kind == "check" and point.chosen != point.default))
    return counts


def _cost(
    before: list[int], steps: Sequence[Step], log: Sequence[Any], at: int | None, thread: int
) -> float:
    """The fewest preemptions of a schedule that backtracks where step ``at`` began, as
    ``_backtrack`` does (infinite if it cannot)."""
    choice = steps[at].choice if at is not None else None
    if choice is None:
        return math.inf
    point = log[choice]
    extra = [point.kind == "check" and o != point.default for o in _alternatives(point, thread)]
    return before[choice] + min(extra) if extra else math.inf
