"""Hypothesis settings for the property tests, chosen by ``HYPOTHESIS_PROFILE``.

``default`` keeps a local run short; ``ci`` (set by ``.ci/run``) tries more programs.
Each generated program is run as a separate CPython process, so no deadline: a slow
machine must not fail a test.
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
