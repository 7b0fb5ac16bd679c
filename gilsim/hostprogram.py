"""Running a whole program on the host's own interpreter (CPython 3.12, 3.13): ``Py_RunMain``
with gilsim as the machine around it (``gilsim.tracer``).

The program's main module runs in the simulated main thread, a greenlet, as real bytecode in
the host's eval loop; every thread it starts is another greenlet.  The shadows of the C
boundary are put in ``sys.modules`` first (``gilsim.runtime.hostworld``), the tracer charges
each event's instructions and lets the GIL act at the check points.  How the main module
ends gives the exit status as CPython gives it (``gilsim.runtime.pymain``): 0, the
``SystemExit`` code, or 1 with the traceback; then ``threading._shutdown`` waits for the
non-daemon threads and the ``atexit`` handlers run, in the main thread, as in
``Py_FinalizeEx``.

A process the program forks is a fork of gilsim's host process (``processes.hostfork``); a
program it starts (``multiprocessing``'s spawn, ``subprocess``) runs in a host process forked
for it, in a new interpreter made here (``run_started``, ``processes.hostspawn``), on the
machine of the first host process, the coordinator, which alone runs the machine.
"""

from __future__ import annotations

import contextlib
import functools
import gc
import io
import os
import sys
import types
from collections.abc import Callable
from typing import Any, NoReturn

import attrs

from gilsim import processes, program
from gilsim.config import Config
from gilsim.engine import Engine
from gilsim.errors import GilsimError, ProcessExit
from gilsim.gil import KINDS, OldGIL, make_gil
from gilsim.interpreter.watchdog import Watchdog
from gilsim.machine import Machine
from gilsim.machine.remote import RemoteMachine
from gilsim.processes import hostfork, hostspawn
from gilsim.program import Outcome, compile_main, record_names, run_machine
from gilsim.runtime import hostshadows, pymain
from gilsim.runtime.atexitmodule import run_exit_handlers
from gilsim.runtime.hostshadows import make_host_shadows
from gilsim.runtime.hostworld import World
from gilsim.runtime.threadmodule import new_thread
from gilsim.tracer import RECURSION_HEADROOM, boundary, checkpoints
from gilsim.tracer.hoststate import make_switch_to_hub
from gilsim.tracer.pystate import TracedInterpreter
from gilsim.tracer.ticks import TickWatcher
from gilsim.tracer.tracebacks import trim
from gilsim.versions import host


def new_interpreter(
    config: Config, chooser: Any = None, machine: Machine | None = None
) -> TracedInterpreter:
    """An interpreter of the host's version on a fresh machine: the engine, the cores, the
    GIL, the shadows of the C boundary (``program.new_interpreter`` on 3.12 and later).
    ``chooser`` (``gilsim.schedules.schedule.ScheduleChooser``) decides at the places where
    the GIL can change hands, on the machine it asks for.  On ``machine``, a process that
    a run started (``processes.hostspawn``): it is in the run's process table already."""
    version = host()
    interp = TracedInterpreter(
        version,
        max_time_ns=config.max_time_ns,
        max_instructions=config.max_instructions,
        tax_permille=KINDS[config.gil].tax_permille,
    )
    interp.config = config  # (what a process it starts runs with)
    if machine is None:
        engine = Engine(config.seed)
        if config.trace:
            engine.trace = []
        spec = config.machine_spec()
        if chooser is not None:
            spec = chooser.machine_spec(spec)
        machine = Machine(engine, spec)
        machine.to_hub = make_switch_to_hub()
    interp.machine = machine
    interp.gil = make_gil(
        config.gil, interp.machine, interp, config.switch_interval_ns, config.wake_policy
    )
    if chooser is not None:
        chooser.install(interp)  # a watcher on the GIL; with segments, a recorder
    if isinstance(interp.gil, OldGIL) and chooser is None:
        # 2.7's ticks, one by one, counted on the host's instructions.  Not while a
        # chooser decides who runs: it alone does, at the check points
        # (``OldGIL.eval_frame_handle_pending``), as on 3.11.
        interp.tracer.watch(TickWatcher(interp.gil))
    watch_checkpoints(interp, config.checkpoints)
    interp.shadow_modules = make_host_shadows(interp)
    if isinstance(machine, RemoteMachine):
        processes.install_functions(interp)  # (in the coordinator's process table already)
    else:
        processes.install(interp, None)
    # A fork is the host's own (``processes.hostfork``), not the copying one of 3.11, and
    # so is a new program's start (``processes.hostspawn``).
    object.__setattr__(interp.shadow_modules["os"], "fork", hostfork.fork)
    interp.shadow_modules["_posixsubprocess"] = hostspawn.make_posixsubprocess(interp, run_started)
    hostshadows.finish(interp)
    if config.refcounts:
        from gilsim.tracer import refcounts  # only when watching: nothing to import otherwise

        refcounts.install(interp, config.refcounts, config.seed)
    if config.races or interp.recorder is not None:
        # Only when recording: nothing to import otherwise.
        from gilsim.races import hostrecording, install

        hostrecording.install(install(interp))
    return interp


def watch_checkpoints(interp: TracedInterpreter, name: str) -> None:
    """Give the run the check points of Python ``name`` (``--checkpoints``): the host's,
    with 3.13's rule or the others' for a class call, and 3.9's or 3.10's further ones
    taken at single instructions (``gilsim.tracer.checkpoints``)."""
    interp.checkpoints = name
    interp.tracer.init_call_checks = checkpoints.init_call_checks(name)
    if name in checkpoints.OLDER:
        interp.tracer.watch(checkpoints.ExtraCheckPoints(interp, name))


def run_main(
    source: str | bytes,
    filename: str,
    argv: list[str],
    config: Config,
    chooser: Any = None,
    watchdog: Watchdog | None = None,
    *,
    host_signals: bool = False,
) -> Outcome:
    """Compile and run a main module on the host's interpreter; print what CPython prints;
    return how it ended (``program.run_main``)."""
    if filename != "<string>":
        filename = os.path.abspath(filename)  # bpo-20443, as in ``program.run_main``
    interp = program.new_interpreter(config, chooser)
    assert isinstance(interp, TracedInterpreter)
    if watchdog is not None:
        interp.watch(watchdog)
    code = compile_main(source, filename)
    if code is None:
        return Outcome(1, 0, 0)
    if interp.recorder is not None:
        # For the race report's source lines: linecache cannot read ``<string>``.
        interp.recorder.sources[filename] = (
            source if isinstance(source, str) else source.decode("utf-8", "replace")
        )
    ts, main_thread = new_thread(interp, "MainThread")
    return run_program(
        interp,
        code,
        filename,
        argv,
        ts,
        lambda: run_machine(interp, main_thread, host_signals),
    )


def run_program(
    interp: TracedInterpreter,
    code: types.CodeType,
    filename: str,
    argv: list[str],
    ts: Any,
    run: Callable[[], GilsimError | None],
    command: str | None = None,
    refused: str | None = None,
) -> Outcome:
    """Run ``code`` as the main module of ``interp``'s process, in its main thread ``ts``:
    ``run`` runs the machine until the program has ended (and returns the error that
    stopped it, if one did).  ``command``: the source of ``python -c``'s ``code``;
    ``refused``: instead, the syntax error its compilation gave, which the process prints
    as it starts, and ends with status 1."""
    main_thread = ts.os_thread
    # The main module's namespace (made once the collector is set, below): this list holds
    # it, and lets go of it at the end (``finalize_modules``).
    namespace: list[dict[str, Any]] = []
    ts.native_id = interp.process.pid
    interp.main_ident = main_thread.ident
    root = interp.process
    root.main_thread = main_thread
    tracer = interp.tracer
    finalized: list[bool] = []  # the program ended by itself (not os._exit, not a stop)

    def main_body() -> None:
        interp.gil.take_gil(main_thread)  # Py_Initialize takes the GIL

        def run_code() -> None:
            if command is not None and sys.version_info >= (3, 13):
                interp.call_program(register_command, code, command)
            interp.call_program(exec, code, namespace[0])

        if refused is not None:
            sys.stderr.write(refused)
            status: Any = 1
        else:
            status = pymain.exit_code(run_code, printer=interp.print_uncaught)
        finalize(interp, ts)
        finalize_modules(interp, world, namespace)
        finalized.append(True)
        processes.end_process(root, processes.exit_status(status), main_thread)

    main_thread.body = main_body
    world = World(interp.shadow_modules, hostshadows.host_patches())
    interp.host_world = world
    saved = sys.argv, list(sys.path), sys.modules.get("__main__")
    script_dir = (
        os.path.dirname(os.path.realpath(filename)) if filename != "<string>" else os.getcwd()
    )
    interp.program_roots = [script_dir]
    sys.argv = list(argv)
    sys.path[0:1] = [script_dir]
    # CPython puts the script's directory on ``sys.path`` after its own start-up imports
    # (``pymain_run_python``), so the program's first import makes its finder
    # (``FileFinder``, in Python code the program is charged for).  One a run before left
    # in this process would make a second run cheaper than the first: each run makes its own.
    saved_finder = sys.path_importer_cache.pop(script_dir, None)
    saved_limit = sys.getrecursionlimit()
    sys.setrecursionlimit(interp.recursion_limit + RECURSION_HEADROOM)
    world.install()
    boundary.activate(tracer)
    # The collector runs at a check point once enough objects were made since the last
    # collection (3.12: ``gc_scheduled`` is an input of the eval breaker), and what it finds
    # runs Python code (weakref callbacks, ``__del__``), charged to whoever runs.  Freezing
    # what exists before the run (gilsim's own objects, the caller's) leaves the collector
    # only the program's objects: the same collections at the same places every run.
    # The main module is the program's: made after the freeze, so that the collector can
    # take its namespace at the end.
    gc.collect()
    gc.freeze()
    namespace.append(main_namespace(filename))
    if interp.refcounts is not None:
        interp.refcounts.namespaces = namespace
    callers_hooks = without_callers_hooks()
    tracer.install()
    try:
        error = run()
    finally:
        hostfork.reap(interp.machine)
        tracer.uninstall()
        restore_callers_hooks(callers_hooks)
        boundary.activate(None)
        gc.unfreeze()
        interp.machine.settle()  # account every thread's time up to the end
        if interp.refcounts is not None:
            interp.refcounts.finish()
        record_names(interp)  # while the program's modules are still in place
        world.restore()
        sys.argv, sys.path[:] = saved[0], saved[1]
        sys.path_importer_cache.pop(script_dir, None)
        if saved_finder is not None:
            sys.path_importer_cache[script_dir] = saved_finder
        sys.setrecursionlimit(saved_limit)
        if saved[2] is not None:
            sys.modules["__main__"] = saved[2]
        flushed = pymain.flush_at_end(finalized=bool(finalized))
    stopped = tracer.stopped
    if error is None and stopped is not None:
        error = stopped if isinstance(stopped, GilsimError) else GilsimError(str(stopped))
    if isinstance(error, ProcessExit):
        # ``os._exit()``: the process ended at once, with that status.
        status, error = os.waitstatus_to_exitcode(error.status), None
    else:
        status = root.exit_code if error is None else error.exit_status
        if not flushed and error is None and status != pymain.SIGINT_STATUS:
            status = pymain.FLUSH_FAILED_STATUS  # Py_RunMain's, after Py_FinalizeEx failed
    assert status is not None
    virtual_ns = max(interp.clock_ns, interp.machine.elapsed_ns())
    return Outcome(status, interp.instructions, virtual_ns, error, interp)


def run_started(started: hostspawn.Started) -> NoReturn:
    """In the host process forked for a program the run started (``processes.hostspawn``):
    a new interpreter, on the coordinator's machine, runs ``started``'s command line as
    its main program, its modules its own (the starting program's are put away, as its
    ``World`` restores them); the host process ends with the simulated one."""
    remote = started.machine
    # (Race recording, watched refcounts and a replayed schedule are the first process's.)
    config = attrs.evolve(started.config, refcounts=(), races=False, schedule=None)
    interp = new_interpreter(config, machine=remote)
    interp.process = started.process
    started.process.interp = interp
    if started.watchdog is not None:
        interp.watch(started.watchdog)
    # A syntax error is the new process's to print, once it runs (here, the parent's
    # host process runs at the same time).
    error = io.StringIO()
    with contextlib.redirect_stderr(error):
        compiled = compile_main(started.source, started.filename)
    code = compiled if compiled is not None else compile("", started.filename, "exec")
    ts, main_thread = new_thread(interp, "MainThread", number=started.number)
    started.process.main_thread = main_thread
    interp.main_ident = main_thread.ident
    remote.know(main_thread)
    remote.before_exit = functools.partial(hostfork.send_counts, remote, interp)
    command = started.source if started.filename == "<string>" else None
    run_program(
        interp,
        code,
        started.filename,
        started.argv,
        ts,
        lambda: hostfork.serve_then_exit(remote),
        command=command if isinstance(command, str) else None,
        refused=error.getvalue() if compiled is None else None,
    )
    raise AssertionError("a started process's host process went on after its end")


def register_command(code: types.CodeType, command: str) -> None:
    """3.13's ``run_mod`` for ``python -c``: the command's lines go to ``linecache``
    (``_register_code``), so that a traceback shows them (gh-117174): keyed by the
    filename in 3.13.0, by the code object where ``linecache`` reads lines by code
    (``_getline_from_code``, later 3.13 releases)."""
    import linecache  # (the program's: ``sys.modules`` is its own while it runs)

    key: Any = code if hasattr(linecache, "_getline_from_code") else "<string>"
    linecache._register_code(key, command, "<string>")  # type: ignore[attr-defined]


# What the caller hooked into the host's interpreter: ``gc.callbacks``, ``sys.settrace``
# and ``sys.setprofile`` functions (a test runner's, a coverage tool's).
CallersHooks = tuple[list[Any], Any, Any]


def without_callers_hooks() -> CallersHooks:
    """Take the caller's hooks away for the run: a new interpreter has none, and one of them
    would run inside the program's threads (a ``gc.callbacks`` function at every collection
    the program causes, charged to it and a place to switch threads in the middle of a
    collection, which then holds off every other collection until it resumes)."""
    hooks = (list(gc.callbacks), sys.gettrace(), sys.getprofile())
    gc.callbacks.clear()
    sys.settrace(None)
    sys.setprofile(None)
    return hooks


def restore_callers_hooks(hooks: CallersHooks) -> None:
    callbacks, trace, profile = hooks
    gc.callbacks[:] = callbacks
    sys.settrace(trace)
    sys.setprofile(profile)


def main_namespace(filename: str) -> dict[str, Any]:
    """A new ``__main__`` module in ``sys.modules`` (held there only), and its namespace."""
    main = types.ModuleType("__main__")
    main.__dict__.update(
        {"__file__": filename, "__builtins__": __import__("builtins"), "__cached__": None}
    )
    if filename == "<string>":
        del main.__dict__["__file__"]
    sys.modules["__main__"] = main
    return main.__dict__


def finalize_modules(interp: TracedInterpreter, world: World, namespace: list[Any]) -> None:
    """The end of ``Py_FinalizeEx`` (``finalize_modules``, ``Python/pylifecycle.c``): the
    modules go from ``sys.modules`` and the collector runs.  What nothing else holds goes
    with them, and its finalizers run now, in the main thread, the modules' globals intact
    (PEP 442: a cycle's finalizers all run before any of it is cleared), as the program's
    last output.  Race recording stops first: only the main thread is left."""
    if interp.recorder is not None:
        interp.recorder.finish()
    for name in ["__main__", *world.program_modules()]:
        if name not in world.shadows:
            sys.modules.pop(name, None)
    namespace.clear()
    interp.call_program(gc.collect)


def finalize(interp: TracedInterpreter, ts: Any) -> None:
    """``Py_FinalizeEx``: ``threading._shutdown`` waits for the non-daemon threads (if the
    program imported ``threading``), then the ``atexit`` handlers run."""
    threading = sys.modules.get("threading")  # the program's (``hostworld``), if it has one
    if threading is not None:
        try:
            interp.call_program(threading._shutdown)
        except BaseException as exc:
            interp.write_unraisable("on threading shutdown:", trim(exc))
    if interp.exit_handlers:
        run_exit_handlers(interp)
