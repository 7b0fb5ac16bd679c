"""The same self-measuring programs under real CPython 3.11 meet the same checks: the
tolerances gilsim is held to are those of the real interpreter.

Timing needs a quiet machine: each run first waits (up to 30 s) for the other processes on
the machine to leave the cores idle; if they never do, or if other pytest-xdist workers
share the machine (``pytest -n 2``), the tests are skipped, saying so.  Each figure is the
median of three runs.  Run them alone with ``pytest -m slow tests/phenomena -n 0``.
"""

from __future__ import annotations

import json
import os
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

import pytest

from . import checks
from .test_phenomena import CHECKS

PROGRAMS = Path(__file__).parent / "programs"
RUNS = 3


def busy_fraction(window_s: float = 0.5) -> float:
    """The share of all CPUs' time spent busy during ``window_s`` (from /proc/stat)."""

    def sample() -> tuple[int, int]:
        with open("/proc/stat") as handle:
            fields = [int(x) for x in handle.readline().split()[1:]]
        idle = fields[3] + fields[4]
        return sum(fields), idle

    total0, idle0 = sample()
    time.sleep(window_s)
    total1, idle1 = sample()
    total = total1 - total0
    return 1 - (idle1 - idle0) / total if total else 0.0


_never_quiet = False


def wait_until_quiet(limit_s: float = 30.0) -> None:
    """Wait for the cores to be idle; once the machine stayed busy for ``limit_s``, the
    rest of the session does not wait again.  Under pytest-xdist with several workers the
    others can start at any moment: the machine is never quiet."""
    global _never_quiet
    if os.environ.get("PYTEST_XDIST_WORKER_COUNT", "1") != "1":
        pytest.skip("other test workers share the machine: run with -n 0 on a quiet machine")
    deadline = time.monotonic() + limit_s
    while not _never_quiet and busy_fraction() > 0.1:
        if time.monotonic() > deadline:
            _never_quiet = True
    if _never_quiet:
        pytest.skip("the machine was never quiet: real timings would say nothing")


def run_in_cpython(program: str, *args: str, cores: int = 2) -> dict:
    """Median figures of RUNS runs of ``python3.11 programs/<program>.py args``."""
    command = [sys.executable, str(PROGRAMS / f"{program}.py"), *args]
    if cores == 1:
        if shutil.which("taskset") is None:
            pytest.skip("taskset is needed to run CPython on one core")
        command = ["taskset", "-c", "0", *command]
    runs = []
    for _ in range(RUNS):
        wait_until_quiet()
        done = subprocess.run(command, capture_output=True, text=True, timeout=120)
        assert done.returncode == 0, done.stderr
        runs.append(json.loads(done.stdout.splitlines()[-1]))
    figures = dict(runs[0])
    for key, value in runs[0].items():
        if isinstance(value, int | float) and not isinstance(value, bool):
            figures[key] = statistics.median(run[key] for run in runs)
    return figures


@pytest.mark.slow
@pytest.mark.skipif(sys.version_info[:2] != (3, 11), reason="the figures are CPython 3.11's")
@pytest.mark.parametrize("check", CHECKS, ids=lambda check: check.__name__)
def test_cpython_meets_the_same_checks(check):
    check(run_in_cpython)


def test_checks_module_is_the_one_gilsim_is_held_to():
    assert {check.__module__ for check in CHECKS} == {checks.__name__}
