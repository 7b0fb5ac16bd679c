"""Every example runs under ``python`` and under ``gilsim run`` with the same standard output
and exit status.  (Standard error may differ: examples report the time they took there, which
gilsim reports in virtual time.)"""

import os
import subprocess
import sys
from pathlib import Path

import pytest

EXAMPLES = sorted((Path(__file__).parent.parent / "examples").glob("*.py"))


def _needs(example: Path) -> list:
    """An example that reads the copy-on-write figures of a fork needs what runs on 3.11
    only (``feature("processes")``); forks and started programs run everywhere."""
    source = example.read_text(encoding="utf-8")
    needs = ("smaps_rollup",)
    return [pytest.mark.feature("processes")] if any(s in source for s in needs) else []


@pytest.mark.parametrize("example", [pytest.param(e, id=e.stem, marks=_needs(e)) for e in EXAMPLES])
def test_example_runs_the_same_under_both(example):
    env = dict(os.environ, PYTHONHASHSEED="0")
    native = subprocess.run(
        [sys.executable, example.name], cwd=example.parent, capture_output=True, text=True, env=env
    )
    simulated = subprocess.run(
        [sys.executable, "-m", "gilsim", "run", example.name],
        cwd=example.parent,
        capture_output=True,
        text=True,
        env=env,
        timeout=300,
    )
    assert native.returncode == 0, native.stderr
    assert (simulated.stdout, simulated.returncode) == (native.stdout, native.returncode)


def test_there_is_an_example():
    assert EXAMPLES
