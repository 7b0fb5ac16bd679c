"""Interpreters without a GIL: ``--gil none`` and ``--gil free-threaded`` (PEP 703,
CPython 3.13t; ``docs/model/gil.md`` §5.3, §7 item 16).

Notes about the implementation:

- ``take_gil`` and ``drop_gil`` keep their names, since every blocking call brackets itself
  with them, but lock nothing: they are PEP 703's *attach* and *detach* of a thread state
  (``_PyThreadState_Attach`` / ``_PyThreadState_Detach`` in 3.13's ``Python/pystate.c``).
  They only record ``attach`` / ``detach`` in the trace, so that a timeline can tell a
  thread executing bytecode from one in a call that would have released the GIL.

- Nobody waits for anybody, so nobody asks anybody to drop anything: ``eval_breaker`` is
  never set and ``eval_frame_handle_pending`` never switches.  The statistics a GIL keeps
  (switches, forced switches, drop requests) stay 0.

- ``threads_in_parallel``: the machine gives each thread of the interpreter its own domain,
  so that threads of one process run at once on several cores
  (``gilsim.machine.parallel``, "Threads without a GIL").

- ``free-threaded`` adds PEP 703's single-thread cost to every instruction: its
  ``tax_permille`` is ``gilsim.versions.FREE_THREADED_TAX_PERMILLE`` (the tax is data, like
  every cost), which 3.11's interpreter reads as the cost table
  ``gilsim.interpreter.costs.FREE_THREADED_COSTS`` (``costs.table_for``).  Biased reference
  counting (its ``refcounting``) and the per-object locks of built-in containers, where that
  cost comes from, are not charged one by one: see ``FreeThreaded``.

- A watcher (race recording, schedule exploration) chooses who holds the GIL at each check
  point; with no GIL there is nothing to choose, so ``watch`` refuses.
"""

from __future__ import annotations

from typing import ClassVar

from gilsim.errors import ConfigurationError
from gilsim.gil.kind import EvalBreaker, Refcounting
from gilsim.gil.watch import Watcher, position_fields
from gilsim.machine import Machine, OSThread
from gilsim.versions import FREE_THREADED_TAX_PERMILLE


class NoGIL:
    """``--gil none``: no lock at all; threads run bytecode at once, at the GIL build's
    instruction costs (a thought experiment: CPython 3.11 with its GIL simply removed, as
    if refcounts and containers needed no protection)."""

    # What the kind is (``gilsim.gil.kind``): threads at once, nothing that changes hands,
    # and the GIL build's plain ``ob_refcnt++``, which loses updates here.
    kind: ClassVar[str] = "none"
    threads_in_parallel: ClassVar[bool] = True
    has_switch_points: ClassVar[bool] = False
    tax_permille: ClassVar[int] = 0
    refcounting: ClassVar[Refcounting] = "plain"

    def __init__(
        self,
        machine: Machine,
        breaker: EvalBreaker,
        interval_ns: int = 5_000_000,
        wake_policy: str = "random",
    ) -> None:
        self.machine = machine
        self.breaker = breaker
        # Kept for ``sys.getswitchinterval`` and for children (``gil.like``): it governs
        # nothing here.
        self.interval_us = interval_ns // 1000
        self.wake_policy = wake_policy
        # The threads attached now (running bytecode or able to): several at once.
        self.attached: set[OSThread] = set()
        self.watcher: Watcher | None = None
        self.switch_number = 0
        self.forced = 0
        self.voluntary = 0
        self.drop_requests = 0

    @property
    def holder(self) -> OSThread | None:
        """The running thread, if it is attached (what ``gil.holder`` means to a caller
        asking "may the running thread release it?")."""
        current = self.machine.current
        return current if current in self.attached else None

    def take_gil(self, thread: OSThread) -> None:
        """Attach ``thread``: record it, wait for nothing."""
        self.attached.add(thread)
        self._record("attach", thread)

    def drop_gil(self, thread: OSThread, forced: bool = False) -> None:
        """Detach ``thread``: record it, signal nobody."""
        self.attached.discard(thread)
        self._record("detach", thread)

    def _record(self, event: str, thread: OSThread) -> None:
        machine = self.machine
        if machine.tracing:
            machine.record_at(
                thread.clock.clock_ns, event, thread=thread.ident, **position_fields(thread)
            )

    def eval_frame_handle_pending(self, thread: OSThread) -> None:
        """Nothing is ever pending: no drop request exists without a GIL."""

    def watch(self, watcher: Watcher) -> None:
        raise ConfigurationError(
            f"race recording and schedule exploration choose who holds the GIL at each "
            f"check point; --gil {self.kind} has no GIL (use --gil new)"
        )

    def set_switch_interval(self, interval_us: int) -> None:
        """``sys.setswitchinterval`` still stores the value (3.13t does too)."""
        self.interval_us = interval_us
        caller = self.machine.current
        at_ns = caller.clock.clock_ns if caller is not None else self.machine.now_ns()
        self.machine.record_at(at_ns, "switch_interval", interval_us=interval_us)


class FreeThreaded(NoGIL):
    """``--gil free-threaded``: PEP 703's free-threaded build (3.13t), as far as speed goes:
    no GIL, and every instruction 6% dearer (``interpreter.costs.FREE_THREADED_COSTS``).

    Biased reference counting is kept, as bookkeeping, for the objects a run watches
    (``gilsim.interpreter.biased``); charging its contended atomic updates would need the
    counts of every object, and the writes each instruction makes (the places a fork
    child's shared pages hook: ``interpreter.references.pushes``, ``eval._touch``,
    ``blocks._emit_touch_after_return``) are where that would go."""

    kind: ClassVar[str] = "free-threaded"
    tax_permille: ClassVar[int] = FREE_THREADED_TAX_PERMILLE
    refcounting: ClassVar[Refcounting] = "biased"
