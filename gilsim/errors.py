"""gilsim's own errors: one small hierarchy, so the command line can tell a user's mistake
(exit status 2, one clear line) from a bug in gilsim (an internal error that says so)."""

from __future__ import annotations


class GilsimError(Exception):
    """Base of every error gilsim reports about its input or its configuration."""

    exit_status = 2


class ConfigurationError(GilsimError):
    """A bad option or setting: an unknown duration unit, a negative core count."""


class UnsupportedError(GilsimError):
    """Something the simulated interpreter does not support: an opcode, a construct, a
    Python version.  The message names what, and where (file and line) when known."""


class SimulationError(GilsimError):
    """The simulation could not go on: a limit was reached, a deadlock was found."""


class LimitExceeded(SimulationError):
    """A run went past ``--max-time`` or ``--max-instructions``.  What was recorded is kept."""

    exit_status = 3


class DeadlockError(SimulationError):
    """Every thread of the program waits for something no thread will ever do.  The message
    names each thread, what it waits for and who holds it."""

    exit_status = 3


class ProcessExit(GilsimError):
    """``os._exit(n)`` or a fatal signal: the simulated process ends at once, running no
    handler, ``finally`` block or exit function of its program on the way (being a
    ``GilsimError``, the eval loop unwinds through it untouched).  ``status`` is the wait
    status its parent's ``waitpid`` sees (``n << 8``, or the signal number)."""

    def __init__(self, status: int) -> None:
        super().__init__(f"process exit with wait status {status}")
        self.status = status


class Interrupted(SimulationError):
    """gilsim itself was told to stop by a signal: a second Ctrl-C (SIGINT), SIGTERM or
    SIGHUP (``gilsim.interpreter.signals``).  What was recorded is kept; the command then
    ends by ``signum``, as a process killed by it does."""

    def __init__(self, message: str, signum: int) -> None:
        super().__init__(message)
        self.signum = signum
        self.exit_status = 128 + signum


class InternalError(GilsimError):
    """A bug in gilsim itself, not in the simulated program."""

    exit_status = 70
