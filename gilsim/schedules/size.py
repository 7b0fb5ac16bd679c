"""How large a search is, told before it starts: the choice points of the default run, per
thread, and an estimate of the number of schedules the strategy will make.

The default run (the empty schedule) is every search's first run, and its chooser logs every
choice point it meets (``ScheduleChooser.log``), so the count costs nothing extra.

**Exhaustive, preemption bound k.**  A schedule of at most k preemptions chooses i <= k of
the default run's check points and, at each, one of the threads it could go to.  With n check
points where t threads could run (the holder and its waiters), that is::

    sum over i <= k of C(n, i) * t**i

and in general, with ``t_j`` threads at check point ``j``, the sum over i <= k of the
products of the ``t_j`` over every i of the n points (the elementary symmetric polynomials of
the ``t_j``, ``_symmetric``).  ``t`` rather than the ``t - 1`` other threads: after a switch
the run meets choice points the default run never met (the preempted thread waiting at each of
its rival's check points, a thread that blocks or ends handing the GIL on), and counting the
holder as well makes up for them: on the two-thread programs of ``tests/schedules/programs.py``
the estimate is within a factor of 1.5 of what ``--no-reduction`` explores.  Choices at a
release cost no preemption, so each release of the default run with r waiters multiplies the
count by r.  Partial-order reduction (the default) makes only the schedules that reorder
conflicting steps, often far fewer, how many cannot be known before the search.

**Random and PCT** make exactly ``--schedules`` runs; PCT finds a bug of depth d (the bound
plus one) in a run with probability at least 1/(t * n**(d-1)), t threads and n steps
(Burckhardt et al., ASPLOS 2010).
"""

from __future__ import annotations

from collections.abc import Sequence

import attrs

from gilsim.schedules.schedule import ChoicePoint

# An exhaustive search whose estimate is past this many times its limit cannot finish
# whatever the reduction saves; one past the limit may.
FAR = 10


@attrs.frozen
class SearchSize:
    """What the default run (``seconds`` long, on the host's clock) met and what the search
    will make: its check points where the GIL could change hands per thread (name, count),
    its releases with two or more waiters, the strategy, its ``bound``, the ``estimate`` of
    schedules and the ``limit`` (``--schedules``)."""

    strategy: str
    bound: int
    points: tuple[tuple[str, int], ...]
    releases: int
    threads: int
    estimate: int
    limit: int
    # How long the default run took: not part of what the search is (two alike differ).
    seconds: float = attrs.field(eq=False)
    reduce: bool

    @property
    def check_points(self) -> int:
        return sum(count for _, count in self.points)

    @property
    def out_of_reach(self) -> bool:
        """An exhaustive search that cannot try every schedule within its limit."""
        if self.strategy != "exhaustive":
            return False
        return self.estimate > self.limit * (FAR if self.reduce else 1)

    @property
    def pct_probability(self) -> float:
        """PCT's least chance per run of finding a bug of depth ``bound + 1``."""
        steps = max(self.check_points + self.releases, 1)
        return 1 / (max(self.threads, 1) * steps**self.bound)


def size_of(
    log: Sequence[ChoicePoint],
    names: Sequence[str],
    *,
    strategy: str,
    bound: int,
    limit: int,
    seconds: float,
    reduce: bool,
) -> SearchSize:
    """The size of a search whose default run met ``log`` (threads named ``names``)."""
    per_thread: dict[int, int] = {}
    options: list[int] = []
    releases = 1
    released = 0
    for point in log:
        if point.kind == "check":
            per_thread[point.holder] = per_thread.get(point.holder, 0) + 1
            options.append(len(point.options))
        else:
            releases *= len(point.options)
            released += 1
    exhaustive = sum(_symmetric(options, bound)) * releases
    estimate = exhaustive if strategy == "exhaustive" else limit
    threads = {p.holder for p in log} | {o for p in log for o in p.options}

    def name(number: int) -> str:
        return names[number].split(" (")[0] if number < len(names) else f"T{number}"

    points = tuple((name(n), per_thread[n]) for n in sorted(per_thread))
    return SearchSize(
        strategy, bound, points, released, len(threads), estimate, limit, seconds, reduce
    )


def _symmetric(values: Sequence[int], k: int) -> list[int]:
    """``e_0 .. e_k`` of ``values``: ``e_i`` is the sum of the products of every i of them
    (``e_i = C(n, i) * t**i`` when all n are ``t``), by the recurrence that adds one value at
    a time."""
    e = [1] + [0] * k
    for value in values:
        for i in range(k, 0, -1):
            e[i] += e[i - 1] * value
    return e


def describe(size: SearchSize, script: str) -> list[str]:
    """The lines ``gilsim explore`` prints before it searches (each without ``gilsim: ``)."""
    each = ", ".join(f"{name} {count}" for name, count in size.points) or "none"
    releases = f", {size.releases} releases with waiters" if size.releases else ""
    lines = [
        f"{script}: the default run met {size.check_points} check points where the GIL "
        f"could change hands ({each}){releases}, in {_duration(size.seconds)}"
    ]
    if size.strategy == "exhaustive":
        p = "s" if size.bound != 1 else ""
        reduced = ", before partial-order reduction" if size.reduce else ""
        lines.append(
            f"exhaustive search up to {size.bound} preemption{p}: about {size.estimate:,} "
            f"schedules{reduced}; it stops after {size.limit:,} (--schedules)"
        )
    else:
        what = f"depth {size.bound + 1}" if size.strategy == "pct" else f"about {size.bound}"
        lines.append(f"{size.strategy} search ({what}): {size.limit:,} runs (--schedules)")
    if size.out_of_reach:
        lines.append(
            "too many schedules to try them all: sample them with --strategy pct "
            "(200 runs), or explore a smaller input (fewer iterations or threads)"
        )
    return lines


def _duration(seconds: float) -> str:
    """``0.3 s``, ``42 s``, ``23 min``, ``8.5 h``."""
    if seconds < 10:
        return f"{seconds:.1f} s"
    if seconds < 600:
        return f"{seconds:.0f} s"
    if seconds < 36_000:
        return f"{seconds / 60:.0f} min"
    return f"{seconds / 3600:.0f} h"
