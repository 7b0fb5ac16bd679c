"""Testing helpers for gilsim and for its users.

This package is the only part of gilsim that imports Hypothesis, an optional dependency
(``pip install gilsim[test]``).  ``import gilsim`` never imports it.

:func:`programs` is a Hypothesis strategy of small, valid, terminating, deterministic
Python 3.11 programs, for differential tests: whatever such a program prints under gilsim
must equal what it prints under CPython.

For users who test schedulers: :func:`check_invariants` checks the trace of a finished run
against the rules of the GIL and the OS scheduler, raising :class:`InvariantViolation`;
:func:`check_deterministic` runs a program twice and requires the same trace ("same seed,
same trace").
"""

from gilsim.testing.determinism import check_deterministic
from gilsim.testing.invariants import InvariantViolation, check_invariants, check_trace
from gilsim.testing.programs import programs

__all__ = [
    "InvariantViolation",
    "check_deterministic",
    "check_invariants",
    "check_trace",
    "programs",
]
