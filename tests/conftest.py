"""Hypothesis settings for every property test, chosen by ``HYPOTHESIS_PROFILE``.

``default`` keeps a local run short; ``ci`` (set by ``.ci/run``) tries more programs.  No
deadline: a generated program may be run as a separate CPython process or simulated at
length, and a slow or busy machine must not fail a test (the speed of gilsim is measured
in ``benchmarks/``, never in a test).  Here, at the top, so that the profile holds for the
tests of every directory, whichever is collected first.
"""

import os

from hypothesis import HealthCheck, settings

settings.register_profile(
    "default",
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)
settings.register_profile(
    "ci",
    max_examples=150,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
    print_blob=True,
)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "default"))
