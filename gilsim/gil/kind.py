"""What a kind of GIL is (``--gil``): ``GilKind``, the protocol every class of
``gilsim.gil.KINDS`` follows, and ``EvalBreaker``, what a GIL reads and writes of its
interpreter.

A kind is one module (``newgil``, ``oldgil``, ``nogil``) whose class says, in class
attributes, what the layers above it need to know, so that none of them asks for a kind by
its name:

- ``kind``: its ``--gil`` name, as the summary and the trace's ``run_end`` give it.
- ``threads_in_parallel``: whether the machine runs its interpreter's threads at once, each
  in its own domain (``gilsim.machine.parallel``); ``sys._is_gil_enabled()`` is its negation.
- ``has_switch_points``: whether the GIL can change hands at check points and releases,
  the places a ``Watcher`` (race recording, schedule exploration) watches; a kind without
  them refuses a watcher.
- ``tax_permille``: what every instruction costs over the GIL build's, in thousandths
  (PEP 703's single-thread cost, ``gilsim.versions.FREE_THREADED_TAX_PERMILLE``): the
  host's interpreter charges it as it goes, and 3.11's interpreter takes the cost table of
  that tax (``gilsim.interpreter.costs.table_for``).
- ``refcounting``: how ``Py_INCREF``/``Py_DECREF`` update a count.  ``"plain"``: the
  non-atomic ``ob_refcnt++`` of the GIL build, which loses updates when threads run at once
  (``--gil none``); ``"biased"``: PEP 703's biased reference counting (``ob_ref_local`` by
  the owner, ``ob_ref_shared`` atomically by the others; ``gilsim.interpreter.biased``).
  ``gilsim.interpreter.obrefcnt`` reads it.

Every kind is made the same way, ``Kind(machine, breaker, interval_ns, wake_policy)``, and
offers what the eval loop and the blocking calls use (``take_gil``, ``drop_gil``,
``eval_frame_handle_pending``, ``ceval_gil.h``'s names), what ``sys`` uses
(``interval_us``, ``set_switch_interval``), what a watcher is installed with (``watch``),
and the statistics the summary reports.
"""

from __future__ import annotations

from typing import ClassVar, Literal, Protocol

from gilsim.gil.watch import Watcher
from gilsim.machine import Machine, OSThread

Refcounting = Literal["plain", "biased"]


class EvalBreaker(Protocol):
    """What a GIL uses of its interpreter (``breaker``, the interpreter state):
    ``interp->ceval.eval_breaker``, which the eval loop polls at its check points and a GIL
    sets to be called there, and the instructions run so far, by which the old GIL winds its
    ticker down (``gilsim.gil.oldgil``), and whether a signal waits for the main thread
    (``signals_pending``: the breaker stays set for it, ``gilsim.interpreter.signals``)."""

    eval_breaker: bool
    signals_pending: bool
    instructions: int


class GilKind(Protocol):
    """A kind of GIL, as the rest of gilsim uses it (see the module's docstring)."""

    kind: ClassVar[str]
    threads_in_parallel: ClassVar[bool]
    has_switch_points: ClassVar[bool]
    tax_permille: ClassVar[int]
    refcounting: ClassVar[Refcounting]

    machine: Machine
    breaker: EvalBreaker
    # ``sys.getswitchinterval()``, in µs, as CPython keeps it (``gil->interval``).
    interval_us: int
    wake_policy: str
    watcher: Watcher | None
    # Statistics (``gilsim.trace.summary``): hand-offs to another thread, drops at a check
    # point, releases around blocking calls, drop requests made.
    switch_number: int
    forced: int
    voluntary: int
    drop_requests: int

    def __init__(
        self,
        machine: Machine,
        breaker: EvalBreaker,
        interval_ns: int = ...,
        wake_policy: str = ...,
    ) -> None: ...

    @property
    def holder(self) -> OSThread | None:
        """The thread that holds the GIL (without one: the running thread, if attached)."""
        ...

    def take_gil(self, thread: OSThread) -> None:
        """Take the GIL for ``thread`` (``PyEval_RestoreThread``, ``Py_END_ALLOW_THREADS``)."""
        ...

    def drop_gil(self, thread: OSThread, forced: bool = False) -> None:
        """Give it up (``PyEval_SaveThread``, ``Py_BEGIN_ALLOW_THREADS``); ``forced``: at a
        check point, on request."""
        ...

    def eval_frame_handle_pending(self, thread: OSThread) -> None:
        """At a check point that found ``eval_breaker`` set (``ceval.c``)."""
        ...

    def watch(self, watcher: Watcher) -> None:
        """Install ``watcher`` on every switch point (or refuse: no switch points)."""
        ...

    def set_switch_interval(self, interval_us: int) -> None:
        """``sys.setswitchinterval`` (``_PyEval_SetSwitchInterval``)."""
        ...
