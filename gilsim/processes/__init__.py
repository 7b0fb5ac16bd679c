"""Simulated processes (``docs/model/processes.md``; ``docs/processes.md``).

A process is an interpreter of its own (``InterpreterState``: its GIL, modules, threads and
descriptors) on the machine every process of a run shares.  The modules:

- ``table``: the processes, who is whose child, how each ended (the wait status), and the
  system calls about them, the kernel's side: ``getpid``, ``getppid``, ``waitpid``, ``kill``;
- ``posix``: the program's side of those, the simulated ``os``'s functions (``os._exit``
  too), which reach the table only by system calls with plain data (``runtime.syscall``);
- ``fork``: ``os.fork()``, a child whose objects are ``copying``'s copies of the parent's and
  whose one thread goes on in the forking thread's copied frames;
- ``spawn``: ``_posixsubprocess.fork_exec`` of Python, a fresh interpreter that runs a
  command line (``multiprocessing``'s spawn start method, its resource tracker and its fork
  server, whose children are ``fork``'s);
- ``world``: each process's share of the host's ``sys`` (``sys.modules`` entries of the
  program's modules, ``__main__``, ``argv``, ``path``, the standard streams), put in place
  when the machine switches to one of its threads.

How the pieces fit
------------------
*Processes run side by side.*  The machine runs one thread at a time ahead of the others, up
to the next event; with several processes it dispatches threads by the time each may resume
from, lets one run at most a lookahead (50 µs) ahead of another process's, and makes any
operation another process can see (a pipe, a semaphore, ``waitpid``) wait until the others
have caught up (``gilsim.machine.parallel``, "Processes side by side").  A run of one process
takes none of these paths.

*Fork copies, spawn re-runs.*  The forking thread's frames must all be simulated frames,
which is why a class call pushes ``__init__``'s frame instead of nesting an eval loop
(``calls._call_class``): ``multiprocessing`` forks inside ``Popen.__init__``.  What a fork
child gets that a real fork would share (pipes, semaphores, memory mappings) is shared.

*The C boundary.*  ``multiprocessing`` itself runs as bytecode, from the host's own source,
like ``threading``, over simulated ``_multiprocessing.SemLock``, ``select``, ``pickle``,
``signal``, ``_posixsubprocess`` and the kernel's pipes and sockets (``gilsim.runtime``): its
pickling errors, its "bootstrapping phase" error and its ``__mp_main__`` come from its own
code.

*The end of a process.*  Its descriptors close (a reader elsewhere sees the end of a pipe),
its other threads end, its parent's ``waitpid`` wakes and its parent gets SIGCHLD (the
wake-up descriptor of ``signal.set_wakeup_fd``: how the fork server learns of it); its
objects run no code afterwards
(``state.DEAD_GLOBALS``), and they are let go when the run is over (``forget``).  The run
ends with its last process.
"""

import gc

from gilsim.interpreter.state import InterpreterState
from gilsim.machine import OSThread
from gilsim.machine.remote import RemoteMachine
from gilsim.processes.fork import install, install_functions
from gilsim.processes.table import Process, ProcessTable, exit_status, table_of
from gilsim.runtime import pymain
from gilsim.runtime.deadlock import thread_name


def end_process(process: Process, status: int, thread: OSThread) -> None:
    """``process`` has ended through ``Py_FinalizeEx`` with wait ``status`` (its ``thread``
    is the one ending it)."""
    machine = process.interp.machine
    if isinstance(machine, RemoteMachine):
        # A forked process (``hostfork``): what it has written goes out, as at its exit;
        # the coordinator ends it.
        pymain.flush_std_files()
        machine.exit_process(status)
    table_of(machine).end(process, status, thread)


def restore_first_world(interp: InterpreterState) -> None:
    """The run is over: the first process's modules and streams, as the run began."""
    table = interp.machine.process_table
    if table is not None and table.root.interp.world is not None:
        table.root.interp.world.enter()


def forget(interp: InterpreterState, stopped: bool = False) -> None:
    """The run is over (its traceback records forgotten too): let go of the other
    processes' objects without running any of their code (``state.REFUSED``): they
    ended, and their ``__del__`` methods would run in whichever process is current.  The
    first process's too if it ended before others, or if the run ``stopped`` on an error
    (a deadlock, a limit) with other processes in it: its threads are gone mid-call."""
    machine = interp.machine
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
            # A thread of another process (or of the first, if it is let go too): its
            # frames go, its name stays.
            if thread.process != 0 or buried_root:
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
    "install_functions",
    "restore_first_world",
]
