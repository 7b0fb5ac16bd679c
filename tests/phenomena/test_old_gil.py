"""gilsim's ``--gil old`` reproduces what Python 2.7's GIL measurably does (``docs/model/gil.md``
§7 items 5 and 7): the ``oldgil_*`` programs run under gilsim with the old GIL, and their
figures must fall within the tolerances of ``oldgil_checks``.  The same programs under
``--gil new`` show what replaced it, and under real Python 2.7 (slow, only on a quiet
machine, as ``test_against_cpython``) they meet the same checks."""

from __future__ import annotations

import json
import os
import shutil
import statistics
import subprocess
import sys

import pytest

import gilsim

from . import oldgil_checks
from .test_against_cpython import wait_until_quiet
from .test_phenomena import PROGRAMS


def run_old(program: str, *args: str, cores: int = 2, gil: str = "old") -> dict:
    path = PROGRAMS / f"{program}.py"
    result = gilsim.run(path, argv=[str(path), *args], cores=cores, gil=gil)
    assert result.exit_status == 0, result.stderr
    return json.loads(result.stdout.splitlines()[-1])


CHECKS = [
    oldgil_checks.countdown_battle,
    oldgil_checks.thousands_of_handoffs,
    oldgil_checks.one_core_handoffs_on_the_tick,
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


def python27() -> str | None:
    """Python 2.7, the old GIL's own interpreter, if this machine has one: pyenv's 2.7.18
    by its real path (pyenv's ``python2.7`` shim fails unless 2.7 is a selected version),
    else a ``python2.7`` on the path."""
    pyenv = shutil.which("pyenv")
    if pyenv is not None:
        done = subprocess.run(
            [pyenv, "which", "python2.7"],
            capture_output=True,
            text=True,
            env={**os.environ, "PYENV_VERSION": "2.7.18"},
        )
        if done.returncode == 0 and done.stdout.strip():
            return done.stdout.strip()
    return shutil.which("python2.7")


def run_in_python27(program: str, *args: str, cores: int = 2) -> dict:
    """Median figures of three runs under real Python 2.7, on a quiet machine."""
    interpreter = python27()
    if interpreter is None:
        pytest.skip("no python2.7 on this machine")
    command = [interpreter, str(PROGRAMS / f"{program}.py"), *args]
    if cores == 1:
        command = ["taskset", "-c", "0", *command]
    runs = []
    for _ in range(3):
        wait_until_quiet()
        done = subprocess.run(command, capture_output=True, text=True, timeout=120)
        assert done.returncode == 0, done.stderr
        runs.append(json.loads(done.stdout.splitlines()[-1]))
    return {key: statistics.median(run[key] for run in runs) for key in runs[0]}


@pytest.mark.slow
@pytest.mark.parametrize("check", CHECKS, ids=lambda check: check.__name__)
def test_python27_meets_the_same_checks(check):
    """The tolerances are 2.7's own: the same programs under 2.7 pass them (the counts are
    scaled up: 2.7's ticks take about 3.4 times as long as gilsim's 3.11 ones, and a short
    run of it is mostly noise)."""

    def run(program: str, *args: str, cores: int = 2) -> dict:
        if program == "oldgil_countdown":
            args = ("20000000",)
        elif program == "oldgil_spinners":
            args = ("2",)
        return run_in_python27(program, *args, cores=cores)

    check(run)


@pytest.mark.slow
def test_plus_equals_loses_updates_where_27_releases():
    """2.7 releases where its ticker runs out, between the load and the store of
    ``counter += 1`` too: 637,756 of 2,000,000 lost (``docs/model/gil.md`` §2.6).  On 3.12 and
    3.13 gilsim ticks before each instruction that ticks (``gilsim.tracer.ticks``) and loses
    about as much (2 x 20,000: 24.9% on 3.12, 23.6% on 3.13).  gilsim's own 3.11
    interpreter releases only at 3.11's check points, where the update is whole: nothing
    lost there (``gilsim.gil.oldgil``)."""
    figures = run_old("lost_updates", "inc", "20000")
    lost = figures["lost"] / figures["expected"]
    if sys.version_info >= (3, 12):
        assert 0.15 <= lost <= 0.45, figures
    else:
        assert lost == 0, figures
