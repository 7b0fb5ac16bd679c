"""gilsim: an educational simulator of CPython's GIL that runs the real bytecode of real,
unmodified Python programs in virtual time.

The public Python API is :func:`run`, which takes a path or source text and a
:class:`Config`, and returns a :class:`RunResult`; :func:`explore` runs a program under many
schedules and returns every distinct outcome with a schedule that replays it.
"""

from __future__ import annotations

import importlib
import sys
from typing import TYPE_CHECKING, Any

from gilsim.errors import (
    ConfigurationError,
    GilsimError,
    InternalError,
    LimitExceeded,
    SimulationError,
    UnsupportedError,
)

if TYPE_CHECKING or sys.argv[:1] != ["-m"]:
    from gilsim.api import RunResult, explore, run
    from gilsim.config import Config

# ``python -m gilsim``: the command decides its hash seed before it imports the rest of
# gilsim (``gilsim.hashseed``), which takes most of its start-up, and may start itself
# again.  CPython imports this package while ``sys.argv[0]`` is ``"-m"`` (the docs of
# ``-m``); then what it exports is imported when first used (PEP 562).
_LAZY = {"RunResult": "gilsim.api", "explore": "gilsim.api", "run": "gilsim.api"}
_LAZY["Config"] = "gilsim.config"


def __getattr__(name: str) -> Any:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'gilsim' has no attribute {name!r}")
    value = getattr(importlib.import_module(module), name)
    globals()[name] = value
    return value


__all__ = [
    "Config",
    "ConfigurationError",
    "GilsimError",
    "InternalError",
    "LimitExceeded",
    "RunResult",
    "SimulationError",
    "UnsupportedError",
    "explore",
    "run",
]
