"""The GIL: CPython 3.11's "new GIL" (``Python/ceval_gil.h``), on the simulated machine."""

from gilsim.gil.newgil import GIL, WAKE_POLICIES

__all__ = ["GIL", "WAKE_POLICIES"]
