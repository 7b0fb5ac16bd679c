"""The simulated ``os`` (``Modules/posixmodule.c``): what reads the simulated machine.
``os.cpu_count()`` is the number of simulated cores; everything else is the host's ``os``."""

from __future__ import annotations

import os
from typing import Any

from gilsim.interpreter import state
from gilsim.runtime import ShadowModule


def make_os(interp: state.InterpreterState) -> ShadowModule:
    def cpu_count() -> int:
        return len(interp.machine.cores)

    def sched_getaffinity(pid: Any) -> set[int]:
        os.sched_getaffinity(pid)  # the host's errors for a bad pid
        return set(range(len(interp.machine.cores)))

    overrides = {"cpu_count": cpu_count, "sched_getaffinity": sched_getaffinity}
    return ShadowModule(os, overrides, frozenset())
