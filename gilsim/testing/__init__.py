"""Testing helpers for gilsim and for its users.

This package is the only part of gilsim that imports Hypothesis, an optional dependency
(``pip install gilsim[test]``).  ``import gilsim`` never imports it.

:func:`programs` is a Hypothesis strategy of small, valid, terminating, deterministic
Python 3.11 programs, for differential tests: whatever such a program prints under gilsim
must equal what it prints under CPython.
"""

from gilsim.testing.programs import programs

__all__ = ["programs"]
