"""The GIL: CPython 3.11's "new GIL" (``Python/ceval_gil.h``), on the simulated machine, and
the other locks a run can be given instead (``--gil``): ``old``, the GIL of Python up to
3.1 (``oldgil``).

``KINDS`` maps each ``--gil`` name to its class.  Every kind is made the same way,
``Kind(machine, interp, interval_ns, wake_policy)``, and offers what the eval loop and
blocking calls use: ``take_gil``, ``drop_gil``, ``eval_frame_handle_pending``.  A kind's
``threads_in_parallel`` says whether the machine runs its interpreter's threads at once
(``none`` and ``free-threaded``: ``gilsim.gil.nogil``); its ``kind`` is its name here.
"""

from typing import Any

from gilsim.gil.newgil import GIL, WAKE_POLICIES
from gilsim.gil.nogil import FreeThreaded, NoGIL
from gilsim.gil.oldgil import OldGIL

KINDS: dict[str, Any] = {"new": GIL, "old": OldGIL, "none": NoGIL, "free-threaded": FreeThreaded}
# The kinds with no lock at all: threads run bytecode at once, and nothing changes hands.
WITHOUT_GIL = frozenset({"none", "free-threaded"})


def make_gil(kind: str, machine: Any, interp: Any, interval_ns: int, wake_policy: str) -> Any:
    """A GIL of ``kind`` (a key of ``KINDS``) for ``interp`` on ``machine``."""
    return KINDS[kind](machine, interp, interval_ns, wake_policy)


def like(gil: Any, machine: Any, interp: Any) -> Any:
    """A GIL of the same kind and settings as ``gil``, for another interpreter (a child
    process's)."""
    return type(gil)(machine, interp, gil.interval_us * 1000, gil.wake_policy)


__all__ = [
    "GIL",
    "KINDS",
    "FreeThreaded",
    "NoGIL",
    "OldGIL",
    "WAKE_POLICIES",
    "WITHOUT_GIL",
    "like",
    "make_gil",
]
