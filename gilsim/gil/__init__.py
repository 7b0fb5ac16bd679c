"""The GIL: CPython 3.11's "new GIL" (``Python/ceval_gil.h``), on the simulated machine, and
the other locks a run can be given instead (``--gil``): ``old``, the GIL of Python up to
3.1 (``oldgil``); ``none`` and ``free-threaded``, no GIL at all (``nogil``).

``KINDS`` maps each ``--gil`` name to its class.  Each kind follows ``GilKind``
(``gilsim.gil.kind``): it is made the same way, ``Kind(machine, interp, interval_ns,
wake_policy)``, offers what the eval loop and blocking calls use (``take_gil``,
``drop_gil``, ``eval_frame_handle_pending``), and says in class attributes what it is: its
name (``kind``), whether the machine runs its interpreter's threads at once
(``threads_in_parallel``), whether it has switch points a watcher can watch
(``has_switch_points``), what every instruction costs over the GIL build's
(``tax_permille``) and how reference counts are kept (``refcounting``).  The layers above
read those rather than the kind's name.
"""

from gilsim.gil.kind import EvalBreaker, GilKind
from gilsim.gil.newgil import GIL, WAKE_POLICIES
from gilsim.gil.nogil import FreeThreaded, NoGIL
from gilsim.gil.oldgil import OldGIL
from gilsim.machine import Machine

KINDS: dict[str, type[GilKind]] = {
    "new": GIL,
    "old": OldGIL,
    "none": NoGIL,
    "free-threaded": FreeThreaded,
}
# The kinds with no lock at all: threads run bytecode at once (``threads_in_parallel``), and
# nothing changes hands.
WITHOUT_GIL = frozenset(name for name, kind in KINDS.items() if kind.threads_in_parallel)


def make_gil(
    kind: str, machine: Machine, interp: EvalBreaker, interval_ns: int, wake_policy: str
) -> GilKind:
    """A GIL of ``kind`` (a key of ``KINDS``) for ``interp`` on ``machine``."""
    return KINDS[kind](machine, interp, interval_ns, wake_policy)


def reset(gil: GilKind, machine: Machine, interp: EvalBreaker) -> None:
    """Make ``gil`` a new GIL of its kind and settings, for ``interp`` on ``machine``: a
    real fork child's (``PyOS_AfterFork_Child``).  The same object, so that whatever holds
    it (a tick watcher of the tracer) holds the child's; nothing of the parent's waiters and
    holder stays in it."""
    type(gil).__init__(gil, machine, interp, gil.interval_us * 1000, gil.wake_policy)


def like(gil: GilKind, machine: Machine, interp: EvalBreaker) -> GilKind:
    """A GIL of the same kind and settings as ``gil``, for another interpreter (a child
    process's)."""
    return type(gil)(machine, interp, gil.interval_us * 1000, gil.wake_policy)


__all__ = [
    "GIL",
    "KINDS",
    "EvalBreaker",
    "FreeThreaded",
    "GilKind",
    "NoGIL",
    "OldGIL",
    "WAKE_POLICIES",
    "WITHOUT_GIL",
    "like",
    "make_gil",
    "reset",
]
