"""A program without races prints the same under every ``--checkpoints`` version: moving the
check points moves where threads switch, never what a correctly locked program computes.
Each output is also what real CPython printed."""

from __future__ import annotations

import subprocess
import sys

import pytest
from test_differential import PROGRAMS_DIR, make_env

import gilsim

# Threaded programs whose output does not depend on where the switches fall.
PROGRAMS = [
    "thread_lock_counter",
    "thread_join_results",
    "thread_queue_workers",
    "thread_sync_primitives",
    "thread_event_sequencing",
    "thread_pool_executor",
]


@pytest.mark.parametrize("program", PROGRAMS)
def test_same_output_under_every_version(program, monkeypatch):
    path = PROGRAMS_DIR / f"{program}.py"
    monkeypatch.chdir(PROGRAMS_DIR)
    native = subprocess.run(
        [sys.executable, path.name], capture_output=True, text=True, env=make_env(), timeout=60
    )
    assert native.returncode == 0, native.stderr
    for version in ("3.9", "3.10", "3.11"):
        result = gilsim.run(path.name, argv=[path.name], checkpoints=version)
        assert (result.exit_status, result.stdout) == (0, native.stdout), version
