"""gilsim: an educational simulator of CPython's GIL that runs the real bytecode of real,
unmodified Python programs in virtual time.

The public Python API is :func:`run`, which takes a path or source text and a
:class:`Config`, and returns a :class:`RunResult`; :func:`explore` runs a program under many
schedules and returns every distinct outcome with a schedule that replays it.
"""

from gilsim.api import RunResult, explore, run
from gilsim.config import Config
from gilsim.errors import (
    ConfigurationError,
    GilsimError,
    InternalError,
    LimitExceeded,
    SimulationError,
    UnsupportedError,
)

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
