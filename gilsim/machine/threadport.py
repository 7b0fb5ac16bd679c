"""What the code of a simulated process may ask of the machine's threads and cores.

The GIL, the interpreter, the tracer, the runtime's modules and the processes read the
machine's own state (its ``threads`` and ``cores``, and an ``OSThread``'s ``state``,
``wait``, ``timed_out``, ``times`` and ``since``, which the scheduler keeps) only through
these methods: so that a proxy of the ``Machine``, in a simulated process running in a host
process of its own, can answer them (issue 19).  ``tests/test_layers.py`` keeps it so.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from gilsim.machine.threads import BLOCKED, EXITED, RUNNING, WAKING, OSThread, Wait


class ThreadPort:
    """The machine's threads and cores, as a simulated process asks about them (see the
    module's docstring)."""

    threads: list[OSThread]
    cores: list[OSThread | None]

    if TYPE_CHECKING:

        def wake(self, thread: OSThread, latency_ns: int | None = None) -> bool: ...

    @property
    def core_count(self) -> int:
        """How many cores the machine has (``os.cpu_count()``)."""
        return len(self.cores)

    def core_free(self) -> bool:
        """Whether a core is idle now."""
        return None in self.cores

    def next_thread_number(self) -> int:
        """The number the next thread started on the machine gets (0 for the first), from
        which it takes its name and ident: threads of every process count, as Linux's
        thread ids do."""
        return len(self.threads)

    def live_threads(self, process: int) -> int:
        """How many threads process ``process`` (its number) has that have not exited."""
        return sum(1 for t in self.threads if t.process == process and t.state != EXITED)

    def is_blocked(self, thread: OSThread) -> bool:
        """Whether ``thread`` waits in ``block``, neither woken nor timed out yet."""
        return thread.state == BLOCKED

    def is_waiting(self, thread: OSThread) -> bool:
        """Whether ``thread`` waits in ``block`` and is not yet running again: blocked, or
        woken (or timed out) and in its wake-up latency or queued for a core."""
        return thread.state in (BLOCKED, WAKING)

    def blocked_in(self, thread: OSThread) -> Wait | None:
        """What ``thread`` waits for, if it is blocked (None if it is not)."""
        return thread.wait if thread.state == BLOCKED else None

    def signal(self, thread: OSThread) -> None:
        """Wake ``thread`` as a condition variable's signal does: if it is blocked it
        wakes; if its timeout has already expired (it is waking), it returns from ``block``
        as signalled all the same, not as timed out."""
        if not self.wake(thread):
            thread.timed_out = False

    def cpu_ns(self, thread: OSThread, now_ns: int) -> int:
        """CPU time of ``thread`` up to ``now_ns`` (its running time on a core)."""
        running = thread.times.get(RUNNING, 0)
        if thread.state == RUNNING:
            running += now_ns - thread.since
        return running

    def process_cpu_ns(self, process: int, now_ns: int) -> int:
        """CPU time of the threads of process ``process`` (its number on the machine) up to
        ``now_ns``: ``process_time``, which counts the calling process's threads only."""
        return sum(self.cpu_ns(t, now_ns) for t in self.threads if t.process == process)
