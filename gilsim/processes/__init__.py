"""Simulated processes (``../shared/spec/processes.md``): work in progress.

So far this package has ``copying``: what a fork child gets, a copy of its parent's objects
made without running program code.  It is not yet used: ``os.fork()`` and
``multiprocessing`` still reach the host (``docs/gil.md``, Differences from CPython).

The design the rest follows
---------------------------
*Processes run in parallel on the machine's cores.*  Today the machine runs one thread ahead
at a time: a dispatched thread runs until the next event, then the engine's clock catches up
with it (``gilsim.machine.cpu``: "at most one thread executes bytecode at a time").  That is
right under one GIL, and wrong for two processes: the second would start where the first
stopped.  The plan:

- dispatch runnable threads in the order of the time each may resume from, not FIFO at the
  queue's present time;
- bound a thread's run-ahead by the next event *and* by the resume time of any runnable
  thread of another process, plus a quantum no longer than the smallest wake-up latency.
  Processes touch each other only through the kernel (pipes, semaphores), and every such
  touch wakes the other side after a wake-up latency, so nothing can happen between them
  inside one quantum;
- sort the trace at the end of the run, since two processes record in their own time.

Two traps found while working this out.  A thread's deadline cannot simply be the next event
of the whole queue: the other process's own continuation sits there at its own time, so two
processes would each stop at the other's time and neither would go on.  The bound is the
next event *of its own process* (and the machine's ticks), or another process's next event
plus the quantum.  And "an event whose time has passed runs late, at the present time"
(``Engine.step``) must become "late by its own process's progress": each process has its own
progress time, and the engine's present is that of whatever it is processing, which may be
up to a quantum behind another process's.  One event queue per process, plus one for the
machine, gives both.

A run with one process has no other process to bound it, so it runs exactly as before: every
single-process trace, test and figure stays the same.

*Each process has its own world.*  The program's own modules live in the host's
``sys.modules`` (``gilsim.interpreter.importer``); when the machine switches to a thread of
another process, its modules, ``__main__`` and ``sys.argv`` are put in place (an
``InterpreterState.enter`` hook).  Simulated standard-library modules are already per
interpreter (``sim_modules``).

*Fork copies, spawn re-runs.*  ``os.fork()`` makes a child interpreter whose objects are
``copying``'s copies of the parent's, whose one thread continues the forking thread's
copied frames with ``fork()`` returning 0, and whose locks keep their state (a lock another
thread held stays held: the deadlock report says "held by thread X of the parent when it
forked").  The forking thread's frames must be simulated frames only, which is why a class
call pushes ``__init__``'s frame instead of nesting an eval loop (``calls._call_class``):
``multiprocessing`` forks inside ``Popen.__init__``.  Spawn is ``_posixsubprocess.fork_exec``
of ``sys.executable``: a fresh interpreter on the same machine running the command line, with
its start-up cost.

*The C boundary multiprocessing needs*, all machine-wide, since processes share them: the
kernel's pipes and descriptors (per-process descriptor tables over shared open files),
``os.waitpid`` and exit statuses, ``_multiprocessing.SemLock``, ``select`` on descriptors, and
``mmap`` for ``Value``/``Array``.  ``multiprocessing`` itself then runs as bytecode, from the
host's own source, like ``threading``: its pickling errors, its "bootstrapping phase" error
and its ``__mp_main__`` come from its own code.
"""

import gc

from gilsim.processes.fork import install
from gilsim.processes.table import Process, ProcessTable, exit_status, table_of
from gilsim.runtime.deadlock import thread_name


def end_process(process: Process, status: int, thread: object) -> None:
    """``process`` has ended through ``Py_FinalizeEx`` with wait ``status`` (its ``thread``
    is the one ending it)."""
    table_of(process.interp.machine).end(process, status, thread)  # type: ignore[arg-type]


def restore_first_world(interp: object) -> None:
    """The run is over: the first process's modules and streams, as the run began."""
    table = interp.machine.process_table  # type: ignore[attr-defined]
    if table is not None and table.root.interp.world is not None:
        table.root.interp.world.enter()


def forget(interp: object, stopped: bool = False) -> None:
    """The run is over (its traceback records forgotten too): let go of the other
    processes' objects without running any of their code (``state.REFUSED``): they
    ended, and their ``__del__`` methods would run in whichever process is current.  The
    first process's too if it ended before others, or if the run ``stopped`` on an error
    (a deadlock, a limit) with other processes in it: its threads are gone mid-call."""
    machine = interp.machine  # type: ignore[attr-defined]
    table = machine.process_table
    if table is None:
        return
    root = table.root
    several = len(table.processes) > 1
    buried_root = root.modules() if root.buried or (stopped and several) else []
    for process in table.processes:
        process.interp.world = None
    children = table.processes[1:]
    if not children:
        return
    # (Imported here: importing it before the eval loop is a cycle.)
    from gilsim.interpreter.state import DEAD_GLOBALS, REFUSED

    REFUSED[0] = True
    try:
        for thread in machine.threads:
            if thread.process != 0:  # a thread of another process: its name stays
                thread.name = thread_name(thread.payload.interp, thread)
                thread.payload.frame = None
                thread.payload.exc_info = [None]
                thread.owner = thread.body = None
        for process in children:
            process.interp.release()
        # The first process, if it ended before others did: what its modules hold goes
        # now, unrun, as its children's does (its descriptors are closed).
        for module in buried_root:
            if module.__name__ != "__main__":
                module.__dict__.clear()
            else:
                for name in [name for name in module.__dict__ if not name.startswith("__")]:
                    del module.__dict__[name]
        DEAD_GLOBALS.clear()
        gc.collect()
    finally:
        REFUSED[0] = False


__all__ = [
    "Process",
    "ProcessTable",
    "end_process",
    "exit_status",
    "forget",
    "install",
    "restore_first_world",
]
