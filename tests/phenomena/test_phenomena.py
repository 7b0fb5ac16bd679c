"""gilsim reproduces what real CPython 3.11 measurably does (``docs/model/gil.md`` §7): each
self-measuring program in ``programs/`` runs under gilsim, exactly as a user would run it
under ``python``, and its figures must fall within the tolerances of ``checks``."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

import gilsim

from . import checks

PROGRAMS = Path(__file__).parent / "programs"


def run_in_gilsim(program: str, *args: str, cores: int = 2) -> dict:
    path = PROGRAMS / f"{program}.py"
    result = gilsim.run(path, argv=[str(path), *args], cores=cores)
    assert result.exit_status == 0, result.stderr
    return json.loads(result.stdout.splitlines()[-1])


CHECKS = [
    checks.lone_thread_never_switches,
    checks.two_spinners_switch_every_interval,
    checks.threads_do_not_speed_up_cpu_work,
    checks.lost_updates_only_where_a_switch_can_split_the_update,
    checks.convoy_effect,
    checks.the_convoy_on_one_core,
    checks.handoffs_go_through_the_gil,
    checks.several_waiters_in_no_fair_order,
    checks.a_long_native_call_shuts_out_its_peer,
    checks.one_core_rounds_slices_up_to_the_tick,
]


@pytest.mark.slow
@pytest.mark.parametrize("check", CHECKS, ids=lambda check: check.__name__)
def test_gilsim_reproduces(check):
    check(run_in_gilsim)


def test_a_lone_thread_is_never_asked_to_drop():
    """Item 1, from the run's own accounts: no drop request at all."""
    path = PROGRAMS / "lone_spinner.py"
    result = gilsim.run(path, argv=[str(path), "0.05"])
    assert result.summary["gil"]["drop_requests"] == 0
    assert result.summary["gil"]["forced_switches"] == 0


def test_switch_interval_edge_cases_print_what_cpython_prints():
    """Item 15: ``setswitchinterval`` truncates to microseconds and refuses x <= 0."""
    path = PROGRAMS / "switch_interval_edges.py"
    native = subprocess.run([sys.executable, str(path)], capture_output=True, text=True)
    simulated = gilsim.run(path, argv=[str(path)])
    assert native.returncode == 0
    assert simulated.stdout == native.stdout
