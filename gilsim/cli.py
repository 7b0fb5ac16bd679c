"""The ``gilsim`` command.

``gilsim run [OPTIONS] SCRIPT [ARGS...]`` behaves like ``python SCRIPT [ARGS...]``: the
program's stdout, stderr and exit status pass through unchanged; gilsim's own messages go to
stderr prefixed ``gilsim:``, and its summary to ``--json FILE``.  Options go before the
script; everything after it belongs to the program.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import signal
import sys
import time
import zipimport
from collections.abc import Iterator, Sequence
from typing import Any, NoReturn

from gilsim import hashseed, outputs, versions
from gilsim.arguments import Parser, duration, whole_number
from gilsim.config import CHECKPOINT_VERSIONS, MAX_CORES, MAX_INSTRUCTIONS, Config
from gilsim.errors import GilsimError, Interrupted
from gilsim.gil import KINDS, WAKE_POLICIES
from gilsim.interpreter.checkpoints import VERSIONS
from gilsim.interpreter.watchdog import Watchdog
from gilsim.machine import PRESETS
from gilsim.progress import ProgressLine
from gilsim.render import command as render_command
from gilsim.schedules import command as explore_command
from gilsim.schedules import schedule
from gilsim.trace import SUMMARY_FORMAT, run_summary, write_trace
from gilsim.units import parse_duration_ns


def _parser() -> argparse.ArgumentParser:
    parser = Parser(
        prog="gilsim",
        description="Run Python programs on a simulated machine under CPython's GIL.",
    )
    parser.add_argument("--version", action="version", version=_version())
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")
    commands.required = True
    run = commands.add_parser("run", help="run a program as `python SCRIPT ARGS...` would")
    _add_running_options(run)
    run.add_argument(
        "--races", action="store_true", help="record accesses and report races to stderr"
    )
    run.add_argument("script", metavar="SCRIPT", help="the program to run")
    run.add_argument("args", nargs=argparse.REMAINDER, metavar="ARGS", help="its arguments")
    explore_ = commands.add_parser(
        "explore",
        help="run a program under many schedules and report every distinct outcome",
    )
    _add_running_options(explore_, one_run=False)
    explore_command.add_arguments(explore_)
    explore_.add_argument("script", metavar="SCRIPT", help="the program to explore")
    explore_.add_argument("args", nargs=argparse.REMAINDER, metavar="ARGS", help="its arguments")
    races = commands.add_parser(
        "races", help="run a program and report its races (lost updates, data races)"
    )
    _add_running_options(races)
    races.set_defaults(races=True)
    races.add_argument("script", metavar="SCRIPT", help="the program to run")
    races.add_argument("args", nargs=argparse.REMAINDER, metavar="ARGS", help="its arguments")
    render = commands.add_parser(
        "render",
        help="run a program and draw its timeline, schedule graph or a race (.svg, .png, .dot)",
    )
    _add_running_options(render)
    render.add_argument(
        "--races",
        action="store_true",
        help="record accesses: report races to stderr and draw race edges in the graph",
    )
    render_command.add_arguments(render)
    render.add_argument("script", metavar="SCRIPT", help="the program to run")
    render.add_argument("args", nargs=argparse.REMAINDER, metavar="ARGS", help="its arguments")
    dis_ = commands.add_parser(
        "dis", help="show a program's bytecode with the places where threads can switch"
    )
    dis_.add_argument(
        "--checkpoints",
        default=versions.default_checkpoints(),
        choices=VERSIONS if not versions.traced() else CHECKPOINT_VERSIONS,
        help="mark the check points of this Python version (default "
        f"{versions.default_checkpoints()}, the Python gilsim runs on)",
    )
    dis_.add_argument("script", metavar="SCRIPT")
    return parser


def _add_running_options(parser: argparse.ArgumentParser, one_run: bool = True) -> None:
    """The options of every command that runs a program.  ``gilsim explore`` makes many
    runs: it takes ``--schedule`` and ``--trace`` only to refuse them with a reason, and
    does not list them."""
    parser.add_argument(
        "--machine",
        default="vm2",
        choices=sorted(PRESETS),
        help="a named machine (default vm2: 2 cores, 4 ms tick, as measured in the docs)",
    )
    parser.add_argument(
        "--cores",
        type=whole_number(1, MAX_CORES),
        metavar="N",
        help="simulated cores (default: the machine's)",
    )
    parser.add_argument(
        "--switch-interval",
        default="5ms",
        type=duration,
        metavar="DURATION",
        help="the GIL switch interval: 5ms, 200us, 0.005 (default 5ms)",
    )
    parser.add_argument(
        "--seed", type=whole_number(), default=0, help="seed of the simulation (default 0)"
    )
    parser.add_argument(
        "--max-time", type=duration, metavar="DURATION", help="stop after this much virtual time"
    )
    parser.add_argument(
        "--max-instructions",
        type=whole_number(1, MAX_INSTRUCTIONS),
        metavar="N",
        help="stop after N bytecode instructions",
    )
    if one_run:
        parser.add_argument(
            "--max-wall",
            type=duration,
            metavar="DURATION",
            help="stop after this much real (wall-clock) time",
        )
    parser.add_argument(
        "--wake-policy",
        default="random",
        choices=WAKE_POLICIES,
        help="which GIL waiter a release wakes (default random: the OS picks)",
    )
    parser.add_argument(
        "--gil",
        default="new",
        choices=sorted(KINDS),
        help="the lock threads run under (default new: the GIL of CPython 3.2 to 3.13)",
    )
    parser.add_argument(
        "--checkpoints",
        default=versions.default_checkpoints(),
        choices=CHECKPOINT_VERSIONS,
        help="where a thread can be switched out: the check points of this Python version "
        f"(default {versions.default_checkpoints()}, the Python gilsim runs on)",
    )
    parser.add_argument(
        "--refcount",
        action="append",
        default=[],
        metavar="NAME",
        help="watch the reference count of the object bound to the main module's global NAME "
        "(repeatable; a lane in the timeline, a counter in the Perfetto file)",
    )
    parser.add_argument(
        "--schedule",
        metavar="SCHEDULE",
        help="replay a schedule that `gilsim explore` printed (e.g. 12:T1,40:T0)"
        if one_run
        else argparse.SUPPRESS,
    )
    parser.add_argument(
        "--json",
        metavar="FILE",
        help="write a JSON summary of the run" if one_run else "write what was found as JSON",
    )
    parser.add_argument(
        "--trace",
        metavar="FILE",
        help="write every scheduling event as JSON lines" if one_run else argparse.SUPPRESS,
    )
    parser.add_argument(
        "--perfetto",
        metavar="FILE",
        help="write a Chrome / Perfetto trace (open it in ui.perfetto.dev)"
        if one_run
        else argparse.SUPPRESS,
    )


def _version() -> str:
    """``gilsim --version``: gilsim's version and the Python it runs programs on."""
    from importlib import metadata

    try:
        own = metadata.version("gilsim")
    except metadata.PackageNotFoundError:  # run from a source tree, not installed
        own = "(not installed)"
    python = ".".join(map(str, sys.version_info[:3]))
    engine = "its own interpreter" if versions.traced() else "gilsim's bytecode interpreter"
    return f"gilsim {own} (Python {python}, on {engine})"


def config_from_args(args: argparse.Namespace) -> Config:
    return Config(
        machine=args.machine,
        cores=args.cores,
        wake_policy=args.wake_policy,
        gil=args.gil,
        checkpoints=args.checkpoints,
        trace=bool(args.trace or args.perfetto or args.command == "render"),
        switch_interval_ns=args.switch_interval,
        seed=args.seed,
        max_time_ns=args.max_time,
        max_instructions=args.max_instructions,
        races=getattr(args, "races", False) or getattr(args, "kind", None) == "race",
        schedule=args.schedule,
        refcounts=tuple(args.refcount),
    )


def main(argv: Sequence[str] | None = None) -> int:
    """The command, with ``argv`` (default ``sys.argv[1:]``).  Run as the command (no
    ``argv``), a command that runs a program starts itself again with the hash seed of its
    ``--seed`` (``gilsim.hashseed``)."""
    args = _parser().parse_args(argv)
    if argv is None and args.command in hashseed.RUNS:
        hashseed.fix(args.seed, sys.argv[1:])
    hashseed.hide()
    outputs.keep_stderr()
    try:
        if args.command in ("run", "races", "render"):
            status = _run(args)
            if versions.traced():
                _exit_now(status)
            return _let_go_of_broken_streams(status)
        if args.command == "dis":
            return _dis(args)
        if args.command == "explore":
            return _explore(args)
    except GilsimError as exc:
        outputs.say(str(exc))
        return exc.exit_status
    except KeyboardInterrupt:
        # Ctrl-C outside a run (while gilsim starts, or compiles): it ends as Python does,
        # by SIGINT, without a traceback of gilsim's.
        _die_of(signal.SIGINT)
    return 2


def _exit_now(status: int) -> NoReturn:
    """End this process after a run on the host's interpreter (3.12, 3.13), with the run's
    status and nothing else.  Its threads' frames are suspended in greenlets, and finalising
    the interpreter would unwind them, running the program's ``finally`` blocks after the
    run (``gilsim.isolation``).  The program's end has flushed its stdout
    (``pymain.flush_std_files``): a flush that failed there (a pipe whose reader is gone)
    would fail again as this process ends, print CPython's "Exception ignored" a second
    time and make the status 120 whatever the run's was.  What can be written is flushed
    first."""
    _flush_what_can_be()
    os._exit(status & 0xFF)


def _let_go_of_broken_streams(status: int) -> int:
    """End a run on gilsim's own interpreter (3.11) through the host's own end: its
    ``Py_FinalizeEx`` clears the program's modules, whose objects' ``__del__`` methods and
    ``weakref.finalize`` callbacks then run and print, in CPython's order, as the program's
    last output (``tests/differential/programs/basic_finalizers_at_exit.py``).  A stream
    that cannot be flushed (it failed already at the program's end: a pipe whose reader is
    gone) is let go first, as None, which ``flush_std_files`` skips: flushed again, it would
    print CPython's "Exception ignored" a second time and make the status 120."""
    for name in ("stdout", "stderr"):
        stream = getattr(sys, name)
        try:
            if stream is not None and not stream.closed:
                stream.flush()
        except Exception:
            setattr(sys, name, None)
    return status


def _read_script(path: str) -> bytes | None:
    """The bytes of the script to run (source or a ``.pyc``: ``gilsim.sources``); or None,
    having said why not."""
    if _is_package_path(path):
        outputs.say(
            f"can't run {os.path.abspath(path)!r}: a directory or zip file (python runs "
            "its __main__.py); give gilsim the script itself"
        )
        return None
    try:
        with open(path, "rb") as handle:
            return handle.read()
    except OSError as exc:
        outputs.say(
            f"can't open file {os.path.abspath(path)!r}: [Errno {exc.errno}] {exc.strerror}"
        )
        return None


def _is_package_path(path: str) -> bool:
    """Whether ``python path`` would run a directory's or a zip file's ``__main__``: CPython
    asks the import system for a finder of the path first (``pymain_run_python``,
    ``Modules/main.c``), and only a directory or a zip file has one."""
    if os.path.isdir(path):
        return True
    try:
        zipimport.zipimporter(path)
    except (zipimport.ZipImportError, OSError):
        return False
    return True


def _run(args: argparse.Namespace) -> int:
    from gilsim.program import run_main

    if args.command == "render":
        render_command.check(args)
    config = config_from_args(args)
    _check_outputs(args)
    source = _read_script(args.script)
    if source is None:
        return 2
    chooser = schedule.replaying(config)
    progress = ProgressLine.on_terminal(sys.__stderr__)
    watchdog = None
    if args.max_wall is not None or progress is not None:
        watchdog = Watchdog(
            parse_duration_ns(args.max_wall) if args.max_wall is not None else None,
            progress.report if progress is not None else None,
        )
    started = time.perf_counter()
    try:
        outcome = run_main(
            source,
            args.script,
            [args.script, *args.args],
            config,
            chooser,
            watchdog,
            host_signals=True,
        )
    finally:
        if progress is not None:
            progress.end()
    wall_s = time.perf_counter() - started
    with _signals_held() as held:
        failed = _report(args, outcome, wall_s, chooser)
    if held:
        _die_of(held[0])  # it came while the files were written
    if failed is not None:
        return failed
    if isinstance(outcome.gilsim_error, Interrupted):
        _die_of(outcome.gilsim_error.signum)  # gilsim was told to stop, by this signal
    elif outcome.exit_status < 0:
        # The program died of a signal: of SIGINT after an uncaught KeyboardInterrupt, as
        # CPython does (``exit_sigint`` in ``Modules/main.c``), or of one it sent itself
        # (``os.kill(os.getpid(), SIGTERM)``); the caller sees the same status.
        _die_of(-outcome.exit_status)
    return outcome.exit_status


def _report(args: argparse.Namespace, outcome: Any, wall_s: float, chooser: Any) -> int | None:
    """After a run: gilsim's messages, the race report, every file asked for.  The exit
    status of a drawing that failed, else None."""
    from gilsim.program import thread_names

    warning = schedule.divergence_warning(chooser)
    if warning is not None:
        outputs.say(f"warning: {warning}")
    if outcome.gilsim_error is not None:
        outputs.say(str(outcome.gilsim_error))
    if outcome.interp is not None and outcome.interp.recorder is not None:
        _report_races(outcome.interp.recorder)
    if outcome.interp is not None and outcome.interp.refcounts is not None:
        outputs.flush_stdout()
        for note in outcome.interp.refcounts.notes(thread_names(outcome.interp)):
            outputs.say(note)
    written = True
    if args.json:
        written &= outputs.write(
            "--json", args.json, lambda path: _write_json(path, args.script, outcome, wall_s)
        )
    interp = outcome.interp
    trace = interp.machine.engine.trace if interp is not None else None
    if args.trace and trace is not None:
        written &= outputs.write("--trace", args.trace, lambda path: write_trace(path, trace))
    if args.perfetto and trace is not None:
        from gilsim.render.perfetto import write_perfetto

        written &= outputs.write(
            "--perfetto",
            args.perfetto,
            lambda path: write_perfetto(path, trace, process_name=f"python {args.script}"),
        )
    if args.command == "render" and trace is not None:
        try:
            drawn, message = render_command.draw(
                args, trace, interp.recorder if interp is not None else None
            )
        except OSError as exc:
            drawn, message = 1, f"cannot write -o {exc.filename or args.output}: {exc.strerror}"
        outputs.flush_stdout()  # the program's output first
        outputs.say(message)
        if drawn != 0:
            return drawn
    if not written and outcome.exit_status == 0:
        return 1  # a run whose files are missing did not succeed: said on stderr
    return None


@contextlib.contextmanager
def _signals_held() -> Iterator[list[int]]:
    """While gilsim writes its files, a SIGINT, SIGTERM or SIGHUP waits until they are
    written (the signals that came, in order, are the list).  SIGINT is not held once it
    has its default action: after a second Ctrl-C, a third one kills at once."""
    held: list[int] = []

    def hold(signum: int, frame: Any) -> None:
        held.append(signum)

    saved = {}
    for signum in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP):
        if signum == signal.SIGINT and signal.getsignal(signum) is signal.SIG_DFL:
            continue
        saved[signum] = signal.signal(signum, hold)
    try:
        yield held
    finally:
        for signum, handler in saved.items():
            signal.signal(signum, handler)


def _flush_what_can_be() -> None:
    """Flush the program's and the host's standard streams before this process ends,
    skipping any that cannot be flushed (closed, or a pipe without a reader)."""
    for stream in (sys.stdout, sys.stderr, sys.__stdout__, sys.__stderr__):
        try:
            if stream is not None:
                stream.flush()
        except Exception:
            pass


def _die_of(signum: int) -> None:
    """End gilsim by ``signum``, as a process killed by it ends, once what was written is
    flushed: the shell sees 128 + ``signum``, ``subprocess`` ``-signum``."""
    _flush_what_can_be()
    if signum != signal.SIGKILL:
        signal.signal(signum, signal.SIG_DFL)
    os.kill(os.getpid(), signum)


def _check_outputs(args: argparse.Namespace) -> None:
    """Refuse, before the program runs, a file an option names that cannot be written."""
    outputs.check("--json", args.json)
    outputs.check("--trace", args.trace)
    outputs.check("--perfetto", args.perfetto)
    if args.command == "render":
        outputs.check("-o", args.output)


def _explore(args: argparse.Namespace) -> int:
    config = config_from_args(args)
    source = _read_script(args.script)
    if source is None:
        return 2
    return explore_command.run(args, config, source)


def _report_races(recorder: Any) -> None:
    """The race report, on stderr after everything the program wrote."""
    from gilsim.races import format_report, race_reports, races_summary

    reports = race_reports(recorder)
    outputs.flush_stdout()
    outputs.tell(format_report(reports, races_summary(recorder, reports)))


def _write_json(path: str, script: str, outcome: Any, wall_s: float) -> None:
    summary = {
        "format": SUMMARY_FORMAT,
        "script": script,
        "python_version": ".".join(map(str, sys.version_info[:3])),
        "exit_status": outcome.exit_status,
        "instructions": outcome.instructions,
        "virtual_time_ns": outcome.virtual_time_ns,
        "wall_time_s": round(wall_s, 6),
        "error": str(outcome.gilsim_error) if outcome.gilsim_error else None,
    }
    if outcome.interp is not None:
        summary.update(run_summary(outcome.interp))
        if outcome.interp.recorder is not None:
            from gilsim.races import race_reports, races_summary

            recorder = outcome.interp.recorder
            summary["races"] = races_summary(recorder, race_reports(recorder))
    with open(path, "w", encoding="utf-8") as handle:
        json.dump(summary, handle, indent=2)
        handle.write("\n")


def _dis(args: argparse.Namespace) -> int:
    from gilsim.disassemble import disassemble
    from gilsim.program import compile_main

    source = _read_script(args.script)
    if source is None:
        return 2
    code = compile_main(source, args.script)
    if code is None:
        return 1
    sys.stdout.write(disassemble(code, args.checkpoints))
    return 0
