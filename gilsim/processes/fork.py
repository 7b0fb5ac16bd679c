"""``os.fork()`` of a simulated process (``os_fork_impl`` in ``Modules/posixmodule.c``;
``docs/model/processes.md`` §1.2).

What CPython does, in order, and what is done here:

1. ``PyOS_BeforeFork``: the ``before`` hooks of ``os.register_at_fork``, last registered
   first.
2. ``fork(2)``, with the GIL held: the child is a copy of the parent's address space at this
   instant, with one thread, the one that called ``fork``.  Here: a new interpreter on the
   same machine whose objects are ``copying``'s copies of the parent's (every module of the
   program, the simulated standard library's, the forking thread's frames), whose locks keep
   their state, and whose one thread continues the forking thread's copied frames.  The
   parent spends the system call's time on its core (``ProcessCosts``).
3. In the child, ``PyOS_AfterFork_Child``: the GIL is the child's thread's, and the
   ``after_in_child`` hooks run (``threading._after_fork`` among them: it forgets the other
   threads); then ``fork()`` returns 0.
4. In the parent, ``PyOS_AfterFork_Parent``: the ``after_in_parent`` hooks; ``fork()``
   returns the child's pid.

The forking thread's frames must all be simulated frames of one run of the eval loop: a
host stack cannot be copied.  So a fork from code that native code called back (a ``key=``
function, a ``__del__``) is refused by name.
"""

from __future__ import annotations

import types
from typing import Any

import attrs

from gilsim import gil
from gilsim.errors import UnsupportedError
from gilsim.interpreter import eval as eval_
from gilsim.interpreter import state
from gilsim.interpreter.tracebacks import write_unraisable
from gilsim.processes.copying import Copier
from gilsim.processes.pages import Inherited
from gilsim.processes.table import EXIT_NS, Process, exit_status, table_of
from gilsim.processes.world import World, first_world
from gilsim.runtime import hostfds, pymain
from gilsim.runtime.deadlock import HeldAcrossFork, thread_name
from gilsim.runtime.kernel import busy, kernel_of, sync
from gilsim.runtime.shadows import make_shadow_modules
from gilsim.runtime.threadmodule import lock, new_thread

GIB = 1 << 30


@attrs.frozen
class ProcessCosts:
    """What creating and ending a process costs (ns), after ``docs/model/processes.md`` §3.1 and
    §1.2 (CPython 3.11.7 on a 2-vCPU VM), and this machine's own measurement of the parts
    (``fork()`` returned in the parent after 0.30 ms; fork + ``_exit`` + ``waitpid`` took
    1.27 ms here, 1.07 ms on the machine of `docs/model/processes.md` §3)."""

    # fork(2) in the parent, for a parent of a bare interpreter's size, plus the kernel's
    # copying of page tables: about 27 ms per GiB of the parent's resident memory.
    fork_ns: int = 300_000
    fork_ns_per_gib: int = 27_000_000
    # From fork(2) until the child's thread runs (scheduling it, its first page faults).
    child_start_ns: int = 350_000
    # ``fork_exec`` of a new Python: vfork and exec in the parent (``start()`` of a spawn
    # child returned after 0.56 ms, its pickling included)...
    spawn_ns: int = 300_000
    # ... and the new interpreter's start-up until its main program runs, with the modules
    # CPython loads before it (``loading.STARTUP_MODULES``).  Measured here, in a venv with
    # no packages: ``python -c "import os; os._exit(0)"`` took 11.5 ms to run and reap
    # (medians of 31).  The modules the child imports then (multiprocessing's 26 ms) are
    # charged as it loads them (``gilsim.interpreter.loading``).
    interpreter_start_ns: int = 10_500_000
    # ``Py_FinalizeEx`` of a fresh interpreter's exit (``sys.exit`` in ``spawn_main``), per
    # module it has loaded: ``finalize_modules`` clears each.  Measured against
    # ``os._exit(0)``: 2.5 ms for the 32 modules of start-up, 7.4 ms with 64 more.
    finalize_ns_per_module: int = 75_000
    # ``_exit``/``exit``: tearing down the address space before the parent can reap it.
    exit_ns: int = EXIT_NS


COSTS = ProcessCosts()


def install(interp: state.InterpreterState, parent: Process | None) -> Process:
    """Make ``interp`` a process of its machine, with the ``os`` functions of processes."""
    process = table_of(interp.machine).add(interp, parent)
    install_functions(interp)
    return process


def install_functions(interp: state.InterpreterState) -> None:
    """Give ``interp``'s ``os`` the functions of processes (a program started in a host
    process of its own is in the coordinator's table already: ``hostspawn``)."""
    from gilsim.processes import posix

    os_module = interp.shadow_modules["os"]
    functions = {
        "fork": fork,
        "getpid": posix.getpid,
        "getppid": posix.getppid,
        "waitpid": posix.waitpid,
        "wait": posix.wait,
        "_exit": posix._exit,
        "kill": posix.kill,
        "killpg": posix.killpg,
        "getpgid": posix.getpgid,
        "getpgrp": posix.getpgrp,
        "getsid": posix.getsid,
    }
    for name, function in functions.items():
        object.__setattr__(os_module, name, function)
    from gilsim.processes.spawn import make_posixsubprocess  # (it needs this module)

    interp.shadow_modules["_posixsubprocess"] = make_posixsubprocess(interp)


def start_process(
    interp: state.InterpreterState, thread: Any, child: Process, child_thread: Any, delay_ns: int
) -> None:
    """``child``'s first thread becomes runnable after ``delay_ns`` (its start-up)."""
    machine = interp.machine
    machine.start(child_thread, delay_ns=delay_ns)
    if machine.tracing:
        machine.record_at(
            interp.clock_ns,
            "process_start",
            pid=child.pid,
            ppid=interp.process.pid,
            thread=thread.ident,
            child=child_thread.ident,
        )


def _check_frames(ts: state.ThreadState) -> None:
    frame = ts.frame
    while frame is not None:
        if frame.is_entry and frame.previous is not None:
            code = frame.code.code
            raise UnsupportedError(
                f"os.fork() called from {code.co_name} ({code.co_filename}, line "
                f"{frame.f_lineno}), which native code called: gilsim copies a forking "
                "thread's simulated frames, and cannot copy the native ones between them"
            )
        frame = frame.previous


def _run_hooks(hooks: list[Any]) -> None:
    """Call ``register_at_fork`` hooks; an exception is reported and the others run."""
    for hook in hooks:
        try:
            hook()
        except BaseException as exc:
            if isinstance(exc, UnsupportedError):
                raise
            write_unraisable(f"Exception ignored in: {hook!r}", exc)


def fork() -> int:
    """``os.fork()``: the child's pid in the parent; 0 in the child."""
    ts = state.current_thread()
    interp, thread = ts.interp, ts.os_thread
    _check_frames(ts)
    machine = interp.machine
    machine.sync_processes(thread)
    _run_hooks(list(reversed(interp.at_fork["before"])))
    if interp.world is None:
        interp.world = first_world()
    parent: Process = interp.process
    child_interp = state.InterpreterState(
        interp.table,
        interp.costs,
        max_time_ns=interp.max_time_ns,
        max_instructions=interp.max_instructions,
    )
    child_interp.checkpoints = interp.checkpoints
    if interp.watchdog is not None:  # ``--max-wall`` bounds the whole run
        child_interp.watch(interp.watchdog)
    child_interp.machine = machine
    child_interp.gil = gil.like(interp.gil, machine, child_interp)
    child_interp.builtins = dict(interp.builtins)
    if interp.recorder is not None:
        interp.recorder.for_fork_child(child_interp)
    child_interp.shadow_modules = make_shadow_modules(child_interp)
    child_interp.loaded = set(interp.loaded)
    child = install(child_interp, parent)
    for name in (
        "recursion_limit",
        "program_roots",
        "host_path",
        "locks_made",
        "clock_ns",
        "gc_frozen",
    ):
        setattr(child_interp, name, getattr(interp, name))
    child_ts, child_thread = new_thread(child_interp, thread.name)
    child_thread.process = child.number
    child_thread.pthread = thread.pthread or thread.ident
    child_ts.native_id = child.pid
    child_ts.depth = ts.depth
    child.main_thread = child_thread

    copier, modules = _copy(interp, ts, child_interp, child_ts)
    child_interp.world = World(
        {name: module for name, module in modules.items() if name not in interp.sim_modules},
        interp.world.machine_world,
        interp.world.inherited(),
    )
    child_interp.sim_modules = {name: modules[name] for name in interp.sim_modules}
    if interp.kernel is not None:
        child_interp.kernel.inherit(interp.kernel)  # the descriptors stay open in the child
    received = hostfds.host_descriptors(machine)
    if received is not None:
        received.inherit(parent.number, child.number)  # and those it received of the host
    memory = copier.memory()
    busy(interp, thread, COSTS.fork_ns + COSTS.fork_ns_per_gib * memory // GIB)
    sync(interp)

    frame = child_ts.frame
    assert frame is not None
    forked_by_main = thread is parent.main_thread

    def child_body() -> None:
        child_interp.gil.take_gil(child_thread)  # PyOS_AfterFork_Child: the GIL is ours
        frame.stack.append(0)  # what fork() returns in the child

        def resume() -> Any:
            _run_hooks(list(child_interp.at_fork["after_in_child"]))
            return eval_.run(child_ts, frame, entry=False)

        if forked_by_main:
            code = pymain.exit_code(resume)
            pymain.finalize(child_ts)
        else:
            # A thread other than the main one forked: in the child it is the only thread,
            # and the process ends with it (``pthread_exit`` of the last thread), unfinalised.
            code = 0
            try:
                resume()
            except SystemExit:
                pass
            except BaseException as exc:
                if isinstance(exc, UnsupportedError):
                    raise
                write_unraisable("in the thread that forked", exc)
        busy(child_interp, child_thread, COSTS.exit_ns)
        sync(child_interp)
        table_of(machine).end(child, exit_status(code), child_thread)

    child_thread.body = child_body
    child_thread.owner = copier.copy(thread.owner)
    copier.finish()
    # Whatever the parent had is in the child's memory, reachable or not (held only by a
    # thread that the child does not have, say): none of it dies at fork.
    child_interp.inherited = list(copier.memo.values())
    child_interp.pages = Inherited(copier.layout, copier.memo, interp.gc_frozen)
    start_process(interp, thread, child, child_thread, COSTS.child_start_ns)
    _run_hooks(list(interp.at_fork["after_in_parent"]))
    return child.pid


def _copy(
    interp: state.InterpreterState,
    ts: state.ThreadState,
    child_interp: state.InterpreterState,
    child_ts: state.ThreadState,
) -> tuple[Copier, dict[str, types.ModuleType]]:
    """Copy what the child gets into ``child_interp`` and ``child_ts``; return the copier
    and the child's modules by name."""
    thread = ts.os_thread
    replace: dict[int, Any] = {
        id(interp): child_interp,
        id(interp.gil): child_interp.gil,
        id(interp.machine): interp.machine,
        id(interp.machine.engine): interp.machine.engine,
        id(ts): child_ts,
        id(thread): child_ts.os_thread,
        id(interp.builtins): child_interp.builtins,
    }
    for name, module in interp.shadow_modules.items():
        child_module = child_interp.shadow_modules[name]
        replace[id(module)] = child_module
        # Its functions are closures over the parent's interpreter: what the program took
        # from them (``threading``'s ``_start_new_thread = _thread.start_new_thread``) is
        # the child's function of the same name.
        for attribute, value in vars(module).items():
            if not attribute.startswith("__"):
                replace.setdefault(id(value), vars(child_module).get(attribute, value))
    if interp.kernel is not None:
        replace[id(interp.kernel)] = kernel_of(child_interp)  # (made with its os module)
    originals = {**interp.world.modules, **interp.sim_modules}
    modules: dict[str, types.ModuleType] = {}
    for name, module in originals.items():
        made = types.ModuleType(module.__name__)
        made.__dict__.clear()
        replace[id(module)] = made
        modules[name] = made
    names = {getattr(module, "__name__", name) for name, module in originals.items()}
    copier = Copier(
        lambda cls: getattr(cls, "__module__", None) in names, replace, child_interp.decoded
    )
    for name, module in originals.items():
        copier.copy_into(module.__dict__, modules[name].__dict__)
    child_ts.frame = copier.copy(ts.frame)
    child_ts.exc_info = copier.copy(ts.exc_info)
    child_interp.exit_handlers = copier.copy(interp.exit_handlers)
    child_interp.at_fork = copier.copy(interp.at_fork)
    signals = copier.copy(interp.signals)
    copier.finish()
    # The child's signal dispositions and wake-up fd are its parent's (fork(2)); the
    # child's ``signal`` module holds the dict, so it is filled in place.
    child_interp.signals.clear()
    child_interp.signals.update(signals)
    child_interp.wakeup_fd = interp.wakeup_fd
    _fix_locks(interp, copier, thread, child_ts.os_thread)
    return copier, modules


def _fix_locks(interp: state.InterpreterState, copier: Copier, thread: Any, child: Any) -> None:
    """A lock keeps its state across fork; only its waiters and holder are the parent's
    threads.  A lock another thread held stays held, by no one who can release it."""
    for original in copier.originals:
        if type(original) is not lock:
            continue
        made = copier.memo[id(original)]
        made._waiters = []
        owner = original._owner
        if owner is thread:
            made._owner = child
        elif owner is not None:
            made._owner = HeldAcrossFork(thread_name(interp, owner))
        if original._sentinel_of is not None:
            made._sentinel_of = None
