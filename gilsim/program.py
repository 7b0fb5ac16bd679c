"""Running a whole program: CPython's ``pymain_run_file`` and ``Py_RunMain``
(``Modules/main.c``, ``Python/pythonrun.c``) for a simulated interpreter.

Sets up the program's world (``sys.argv``, ``sys.path[0]``, ``__main__``, the finder for its
own modules, the simulated ``sys``/``time``/``atexit``), runs the main module in a simulated
thread, and turns the way it ended into an exit status exactly as CPython does: 0, the
``SystemExit`` code, or 1 with a traceback; ``KeyboardInterrupt`` ends by SIGINT.
"""

from __future__ import annotations

import contextlib
import io
import os
import sys
import types
from collections.abc import Iterator
from typing import Any

import attrs

from gilsim import processes, sources, versions
from gilsim.config import Config
from gilsim.engine import Engine
from gilsim.errors import DeadlockError, GilsimError, UnsupportedError
from gilsim.gil import make_gil
from gilsim.interpreter import checkpoints, costs, importer, signals, state, tracebacks
from gilsim.interpreter.builtins import make_builtins
from gilsim.interpreter.opcodes import shared_table
from gilsim.interpreter.watchdog import Watchdog
from gilsim.machine import Machine
from gilsim.runtime import pymain
from gilsim.runtime.deadlock import deadlock_report, thread_name
from gilsim.runtime.fileio import io_builtins
from gilsim.runtime.shadows import make_shadow_modules
from gilsim.runtime.threadmodule import new_thread

# The versions gilsim runs programs on: 3.11 on its own bytecode interpreter, 3.12 and 3.13
# on the host's (``gilsim.versions``).
SUPPORTED_VERSIONS = ((3, 11), (3, 12), (3, 13))

# Exit status of a process killed by SIGINT, as ``subprocess`` reports it.
SIGINT_STATUS = pymain.SIGINT_STATUS


@attrs.frozen
class Outcome:
    """How a program ended."""

    exit_status: int
    instructions: int
    virtual_time_ns: int
    gilsim_error: GilsimError | None = None
    # The interpreter that ran (None if the program did not compile): its machine, GIL and
    # threads hold the accounts the summary and the trace are made from.
    interp: state.InterpreterState | None = None


def check_version() -> None:
    if sys.version_info[:2] not in SUPPORTED_VERSIONS:
        raise UnsupportedError(
            f"gilsim runs programs on the Python it runs on, and Python "
            f"{sys.version_info.major}.{sys.version_info.minor} is not supported "
            f"(supported: {', '.join('.'.join(map(str, v)) for v in SUPPORTED_VERSIONS)})"
        )


def new_interpreter(config: Config, chooser: Any = None) -> state.InterpreterState:
    """An interpreter on a fresh machine: the engine, the cores, the GIL, the shadow
    modules.  ``chooser`` (``gilsim.schedules.schedule.ScheduleChooser``) decides at the
    places where the GIL can change hands, on the machine it asks for.  On 3.12 and later
    the interpreter is the host's (``gilsim.hostprogram``)."""
    if versions.traced():
        from gilsim import hostprogram  # (it builds on this module)

        return hostprogram.new_interpreter(config, chooser)
    interp = state.InterpreterState(
        checkpoints.table(config.checkpoints, shared_table()),
        costs.table_for(config.gil),
        max_time_ns=config.max_time_ns,
        max_instructions=config.max_instructions,
    )
    interp.checkpoints = config.checkpoints
    engine = Engine(config.seed)
    if config.trace:
        engine.trace = []
    spec = config.machine_spec()
    if chooser is not None:
        spec = chooser.machine_spec(spec)
    interp.machine = Machine(engine, spec)
    interp.gil = make_gil(
        config.gil, interp.machine, interp, config.switch_interval_ns, config.wake_policy
    )
    if chooser is not None:
        chooser.install(interp)
    interp.builtins = make_builtins()
    interp.builtins.update(io_builtins())
    interp.shadow_modules = make_shadow_modules(interp)
    processes.install(interp, None)
    if config.races:
        from gilsim.races import install  # only when recording: nothing to import otherwise

        install(interp)
    if config.refcounts:
        from gilsim.interpreter import refcounts

        refcounts.install(interp, config.refcounts, config.seed)
    return interp


@contextlib.contextmanager
def program_world(
    interp: state.InterpreterState, filename: str, argv: list[str], main: types.ModuleType
) -> Iterator[None]:
    """The host state the program sees, restored afterwards."""
    saved_argv, saved_path = sys.argv, list(sys.path)
    saved_main = sys.modules.get("__main__")
    saved_names = set(sys.modules)
    saved_limit = sys.getrecursionlimit()
    interp.host_path = set(p for p in sys.path if isinstance(p, str))
    script_dir = (
        os.path.dirname(os.path.realpath(filename)) if filename != "<string>" else os.getcwd()
    )
    interp.program_roots = [script_dir]
    finder = importer.ProgramFinder(interp)
    sys.argv = argv
    sys.path[0:1] = [script_dir]
    interp.host_path.discard(script_dir)
    sys.modules["__main__"] = main
    sys.meta_path.insert(0, finder)
    # Native code calling back into simulated code recurses on the host stack (as C code
    # does in CPython): leave room for the simulated program's own limit of 1000 frames.
    sys.setrecursionlimit(max(saved_limit, 60_000))
    try:
        yield
    finally:
        sys.meta_path.remove(finder)
        sys.argv, sys.path[:] = saved_argv, saved_path
        if saved_main is not None:
            sys.modules["__main__"] = saved_main
        sys.setrecursionlimit(saved_limit)
        for name, module in list(sys.modules.items()):
            if isinstance(getattr(module, "__loader__", None), importer.SimulatedLoader):
                del sys.modules[name]
            elif module is main and name not in saved_names:
                # Another name for the main module (``multiprocessing`` makes it
                # ``__mp_main__`` when imported): it would keep the run alive.
                del sys.modules[name]


def compile_main(source: str | bytes, filename: str) -> types.CodeType | None:
    """The code of a main module; or None, having printed its syntax error to stderr as
    Python prints it.  Bytes are a script's file, read as ``python FILE`` reads it: source
    text or compiled bytecode (``gilsim.sources``)."""
    try:
        if isinstance(source, str):
            return compile(source, filename, "exec", dont_inherit=True)
        if sources.is_pyc(source, filename):
            return sources.load_pyc(source)
        return sources.compile_script(source, filename)
    except (SyntaxError, ValueError, RuntimeError, EOFError) as exc:
        sys.stderr.write(sources.format_error(exc))
        return None


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
    """Compile and run a main module; print what CPython prints; return how it ended.
    ``chooser`` decides who runs at each choice point (schedule exploration); ``watchdog``
    watches the wall clock (``--max-wall``, the progress line).  With ``host_signals``,
    SIGINT, SIGTERM and SIGHUP sent to gilsim during the run go to the program or stop the
    run (``gilsim.interpreter.signals``).  On 3.12 and later the program runs on the host's
    own interpreter (``gilsim.hostprogram``)."""
    check_version()
    if versions.traced():
        from gilsim import hostprogram  # (it builds on this module)

        return hostprogram.run_main(
            source, filename, argv, config, chooser, watchdog, host_signals=host_signals
        )
    if filename != "<string>":
        # Since 3.9 the main script's ``__file__`` and code filename are absolute
        # (bpo-20443); ``sys.argv[0]`` stays as given.
        filename = os.path.abspath(filename)
    code = compile_main(source, filename)
    if code is None:
        return Outcome(1, 0, 0)
    interp = new_interpreter(config, chooser)
    if watchdog is not None:
        interp.watch(watchdog)
    if interp.recorder is not None:
        # For the race report's source lines: linecache cannot read ``<string>``.
        interp.recorder.sources[filename] = (
            source if isinstance(source, str) else source.decode("utf-8", "replace")
        )
    main = types.ModuleType("__main__")
    main.__dict__.update(
        {"__file__": filename, "__builtins__": __import__("builtins"), "__cached__": None}
    )
    if filename == "<string>":
        del main.__dict__["__file__"]
    if interp.refcounts is not None:
        interp.refcounts.namespace = main.__dict__
    ts, main_thread = new_thread(interp, "MainThread")
    ts.native_id = interp.process.pid
    root = interp.process
    root.main_thread = main_thread

    finalized: list[bool] = []  # the program ended by itself (not os._exit, not a stop)

    def main_body() -> None:
        interp.gil.take_gil(main_thread)  # Py_Initialize takes the GIL
        status = pymain.run_module(ts, code, main.__dict__)
        pymain.finalize(ts)
        finalized.append(True)
        processes.end_process(root, processes.exit_status(status), main_thread)

    main_thread.body = main_body
    host_pid = os.getpid()
    with program_world(interp, filename, argv, main):
        try:
            error = run_machine(interp, main_thread, host_signals)
        finally:
            interp.machine.settle()  # account every thread's time up to the end
            if interp.refcounts is not None:
                interp.refcounts.finish()
            record_names(interp)
            interp.machine.kill_all()
            processes.restore_first_world(interp)
        flushed = pymain.flush_at_end(finalized=bool(finalized))
        tracebacks.forget_all()
    processes.forget(interp, stopped=error is not None)
    status = root.exit_code if error is None else error.exit_status
    assert status is not None
    if not flushed and error is None and status != SIGINT_STATUS:
        status = pymain.FLUSH_FAILED_STATUS  # Py_RunMain's, after Py_FinalizeEx failed
    if os.getpid() != host_pid:
        # Native code forked the host (the program's own os.fork() is simulated:
        # gilsim.processes), and this is the host's child at the end of its own copy of the
        # run.  It ends here, as the child program would, without reports or files: those
        # are the parent's.
        os._exit(status & 0xFF)
    virtual_ns = max(interp.clock_ns, interp.machine.elapsed_ns())
    return Outcome(status, interp.instructions, virtual_ns, error, interp)


def run_machine(
    interp: state.InterpreterState, main_thread: Any, host_signals: bool = False
) -> GilsimError | None:
    """Start the main thread and run the machine until the program has ended; the error
    that stopped it, if one did (a deadlock: every thread waits for something no thread
    will ever do; a signal that stops gilsim).  With ``host_signals``, the signals sent to
    gilsim meanwhile are routed to the program (``gilsim.interpreter.signals``)."""
    routing = signals.route(interp) if host_signals else contextlib.nullcontext()
    try:
        with routing:
            interp.machine.start(main_thread, delay_ns=0)
            if not interp.machine.run():
                raise DeadlockError(deadlock_report(interp))
    except GilsimError as exc:
        return exc
    return None


def thread_names(interp: state.InterpreterState) -> dict[int, str]:
    """The name of each thread of the run, by ident, as ``threading`` named it."""
    return {
        thread.ident: thread_name(thread.payload.interp, thread)
        for thread in interp.machine.threads
    }


def record_names(interp: state.InterpreterState) -> None:
    """End the trace with every thread's name (``threading`` names a thread only once it
    runs, so the names are known for certain only now) and the end of the run."""
    machine = interp.machine
    engine = machine.engine
    if engine.trace is None:
        return
    if machine.parallel:
        # Processes recorded in their own time, up to a lookahead apart: put the trace in
        # time order (stable: what one process recorded stays in its order).
        engine.trace.sort(key=lambda event: event["time_ns"])
        engine.now_ns = machine.elapsed_ns()
    for thread in machine.threads:
        own = thread.payload.interp
        fields = {"pid": own.process.pid} if machine.processes > 1 else {}
        engine.record("thread_name", thread=thread.ident, name=thread_name(own, thread), **fields)
    engine.record(
        "run_end",
        cores=interp.machine.spec.cores,
        switch_interval_us=interp.gil.interval_us,
        gil=interp.gil.kind,
    )


class _Named(io.BytesIO):
    """The bytes behind a captured stream, named as CPython names its standard streams:
    like the pipe a standard stream is, not seekable, and either read or written, not both
    (the text layer over a readable stream resets its decoder on every write, in Python code
    of ``codecs`` that a program writing to a real pipe does not run)."""

    def __init__(self, name: str, initial: bytes = b"", mode: str = "w") -> None:
        super().__init__(initial)
        self.name = name
        self._mode = mode

    def seekable(self) -> bool:
        return False

    def readable(self) -> bool:
        return self._mode == "r"

    def writable(self) -> bool:
        return self._mode == "w"


class CapturedStream(io.TextIOWrapper):
    """A standard stream captured in memory, as the program would see one on a pipe: UTF-8,
    named ``<stdout>``, not a terminal, with a ``buffer``; ``getvalue()`` is what was written
    (``write_through``: nothing waits in the text layer)."""

    def __init__(
        self, name: str, errors: str = "strict", initial: bytes = b"", mode: str = "w"
    ) -> None:
        super().__init__(
            _Named(name, initial, mode), encoding="utf-8", errors=errors, write_through=True
        )

    def getvalue(self) -> str:
        self.flush()
        return self.buffer.getvalue().decode("utf-8", "replace")  # type: ignore[attr-defined]


@contextlib.contextmanager
def captured_stdio(
    stdin: str | None, out: CapturedStream | None = None
) -> Iterator[tuple[CapturedStream, CapturedStream]]:
    """Replace the host's standard streams (``sys.__stdout__`` and the others too, which a
    program may compare them with) for an in-process run; ``out`` may be given to be the
    standard output."""
    out = out if out is not None else CapturedStream("<stdout>")
    err = CapturedStream("<stderr>", errors="backslashreplace")
    stdin_stream = CapturedStream("<stdin>", initial=(stdin or "").encode("utf-8"), mode="r")
    streams = (stdin_stream, out, err)
    names = ("stdin", "stdout", "stderr", "__stdin__", "__stdout__", "__stderr__")
    saved = [getattr(sys, name) for name in names]
    for name, stream in zip(names, streams * 2, strict=True):
        setattr(sys, name, stream)
    try:
        yield out, err
    finally:
        for name, stream in zip(names, saved, strict=True):
            setattr(sys, name, stream)
