"""The simulated machine: cores, OS threads and an OS scheduler.  It knows nothing of Python
or of the GIL beyond "a thread runs, blocks on something, is woken" (``design.md``)."""

from gilsim.machine.cpu import Machine, MachineSpec, OSThread, ThreadKilled, Wait
from gilsim.machine.presets import PRESETS, spec_for

__all__ = ["PRESETS", "Machine", "MachineSpec", "OSThread", "ThreadKilled", "Wait", "spec_for"]
