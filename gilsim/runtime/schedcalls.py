"""``sched_getaffinity(2)``, the kernel's side (``kernel/sched/core.c``): the cores a
simulated process may run on, which are all of the machine's."""

from __future__ import annotations

from gilsim.interpreter import state
from gilsim.machine import OSThread
from gilsim.runtime import syscall
from gilsim.runtime.kernel import Kernel


@syscall.system_call
def sched_getaffinity(
    kernel: Kernel, interp: state.InterpreterState, thread: OSThread, pid: int
) -> list[int] | None:
    """The cores process ``pid`` may run on, or None if ``pid`` is no simulated process
    (0, the caller, included: the host answers for it)."""
    table = interp.machine.process_table
    if table is None or pid not in table.by_pid:
        return None
    return list(range(interp.machine.core_count))
