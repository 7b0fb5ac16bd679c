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


# -- what runs where ------------------------------------------------------------------------
#
# gilsim runs programs on its own bytecode interpreter on 3.11 and on the host's interpreter
# on 3.12 and 3.13.  A test marked ``feature(NAME)`` needs what gilsim does not run on the
# host's interpreter yet (``gilsim.versions.NOT_YET_TRACED``): on 3.12 and 3.13 it is skipped,
# saying what; ``feature("interpreter")`` marks the tests of the 3.11 bytecode interpreter's
# own pieces.  A user asking for such a feature on 3.12 gets one clear refusal
# (``tests/cli/test_cli.py``).


def pytest_configure(config):
    config.addinivalue_line(
        "markers",
        "feature(name): needs what runs on gilsim's own interpreter (3.11) only, so far",
    )


def pytest_collection_modifyitems(config, items):
    import pytest

    from gilsim import versions

    features = {
        **versions.NOT_YET_TRACED,
        "interpreter": "gilsim's own bytecode interpreter (it runs 3.11)",
    }
    for item in items:
        for mark in item.iter_markers("feature"):
            for name in mark.args:
                if name not in features:
                    raise pytest.UsageError(f"{item.nodeid}: unknown feature {name!r}")
                if versions.traced():
                    reason = f"{features[name]}: not on Python {versions.host_name()} yet"
                    item.add_marker(pytest.mark.skip(reason=reason))
