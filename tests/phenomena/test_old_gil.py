"""gilsim's ``--gil old`` reproduces what Python 2.7's GIL measurably does (``spec/gil.md``
§7 items 5 and 7): the ``oldgil_*`` programs run under gilsim with the old GIL, and their
figures must fall within the tolerances of ``oldgil_checks``.  The same programs under
``--gil new`` show what replaced it."""

from __future__ import annotations

import json

import pytest

import gilsim

from . import oldgil_checks
from .test_phenomena import PROGRAMS


def run_old(program: str, *args: str, cores: int = 2, gil: str = "old") -> dict:
    path = PROGRAMS / f"{program}.py"
    result = gilsim.run(path, argv=[str(path), *args], cores=cores, gil=gil)
    assert result.exit_status == 0, result.stderr
    return json.loads(result.stdout.splitlines()[-1])


CHECKS = [
    oldgil_checks.countdown_battle,
    oldgil_checks.thousands_of_handoffs,
    oldgil_checks.no_convoy,
]


@pytest.mark.slow
@pytest.mark.parametrize("check", CHECKS, ids=lambda check: check.__name__)
def test_gilsim_old_gil_reproduces(check):
    check(run_old)


@pytest.mark.slow
def test_the_new_gil_has_the_convoy_and_no_battle():
    """The same programs under 3.11's GIL: the convoy (about one 5 ms interval per sleep)
    and a countdown no slower threaded (spec §7 items 4 and 7)."""
    convoy = run_old("oldgil_convoy", "40", gil="new")
    assert 5.0 <= convoy["with_cpu_ms_per_op"] <= 5.8, convoy
    countdown = run_old("oldgil_countdown", "300000", gil="new")
    assert 0.9 <= countdown["ratio"] <= 1.15, countdown
