"""Testing helpers for gilsim and for its users.

This package is the only part of gilsim that imports Hypothesis, an optional dependency
(``pip install gilsim[test]``).  ``import gilsim`` never imports it.

:func:`programs` is a Hypothesis strategy of small, valid, terminating, deterministic
Python 3.11 programs, for differential tests: whatever such a program prints under gilsim
must equal what it prints under CPython.

For users who test schedulers: :func:`machines`, :func:`gil_settings`,
:func:`thread_workloads` (threading programs that always end and print the same under any
interleaving) and :func:`runs` (a program with a configuration) draw what a run is made of;
:func:`check_invariants` checks the trace of a finished run against the rules of the GIL and
the OS scheduler, raising :class:`InvariantViolation`; :func:`check_deterministic` runs a
program twice and requires the same trace ("same seed, same trace");
``gilsim.testing.synthetic`` has threads without an interpreter, to drive a machine and a
GIL directly.
"""

from gilsim.testing.determinism import check_deterministic
from gilsim.testing.invariants import InvariantViolation, check_invariants, check_trace
from gilsim.testing.programs import programs
from gilsim.testing.scheduling import gil_settings, machines, runs, thread_workloads, workloads

__all__ = [
    "InvariantViolation",
    "check_deterministic",
    "check_invariants",
    "check_trace",
    "gil_settings",
    "machines",
    "programs",
    "runs",
    "thread_workloads",
    "workloads",
]
