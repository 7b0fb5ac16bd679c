"""The Python API: ``gilsim.run`` takes a path or source text and a configuration and
returns what happened."""

from __future__ import annotations

import concurrent.futures
import os
import sys
from typing import Any

import attrs

from gilsim.config import Config
from gilsim.errors import ConfigurationError
from gilsim.program import captured_stdio, run_main
from gilsim.schedules import schedule, search
from gilsim.schedules.search import Exploration, Progress
from gilsim.trace import run_summary


@attrs.frozen
class RunResult:
    """The outcome of one simulated run.

    ``stdout``/``stderr`` are the program's output ("" when not captured); ``exit_status``
    is what ``python`` would have exited with (-2 for an uncaught ``KeyboardInterrupt``, as
    ``subprocess`` reports a SIGINT); ``instructions`` counts bytecode instructions executed
    and ``virtual_time_ns`` is the simulated duration.  ``summary`` holds the per-thread,
    per-core and GIL figures (``gilsim.trace.run_summary``); ``trace`` the scheduling events
    when the run recorded them (``trace=True``); ``races`` the race reports
    (``gilsim.races.RaceReport``, each with ``to_json()``) when it recorded accesses
    (``races=True``), else None.
    """

    stdout: str
    stderr: str
    exit_status: int
    instructions: int
    virtual_time_ns: int
    error: str | None = None
    summary: dict[str, Any] = attrs.field(factory=dict, repr=False)
    trace: list[dict[str, Any]] | None = attrs.field(default=None, repr=False)
    races: list[Any] | None = attrs.field(default=None, repr=False)


def run(
    path: str | os.PathLike[str] | None = None,
    *,
    source: str | None = None,
    argv: tuple[str, ...] | list[str] = (),
    stdin: str | None = None,
    config: Config | None = None,
    capture: bool = True,
    **options: Any,
) -> RunResult:
    """Run a program under gilsim, from ``path`` or from ``source`` text.

    ``argv`` is the program's ``sys.argv`` (default: the path, or ``"<string>"``).  With
    ``capture`` the program's standard streams are captured into the result and ``stdin``
    is its standard input; otherwise they are the process's own.  Keyword ``options`` build
    a ``Config`` when none is given (``gilsim.run("x.py", max_instructions=10**6)``).
    """
    filename, text, config = _program(path, source, config, options)
    program_argv = list(argv) if argv else [filename if path is not None else "-c"]
    chooser = schedule.replaying(config)
    if capture:
        with captured_stdio(stdin) as (out, err):
            outcome = run_main(text, filename, program_argv, config, chooser)
        stdout, stderr = out.getvalue(), err.getvalue()
    else:
        outcome = run_main(text, filename, program_argv, config, chooser)
        stdout = stderr = ""
    warning = schedule.divergence_warning(chooser)
    if warning is not None:
        if capture:
            stderr += f"gilsim: warning: {warning}\n"
        else:
            sys.stderr.write(f"gilsim: warning: {warning}\n")
    error = str(outcome.gilsim_error) if outcome.gilsim_error is not None else None
    if error is not None and capture:
        stderr += f"gilsim: {error}\n"
    interp = outcome.interp
    summary = run_summary(interp) if interp is not None else {}
    races = None
    if interp is not None and interp.recorder is not None:
        from gilsim.races import race_reports, races_summary

        races = race_reports(interp.recorder)
        summary["races"] = races_summary(interp.recorder, races)
    return RunResult(
        stdout,
        stderr,
        outcome.exit_status,
        outcome.instructions,
        outcome.virtual_time_ns,
        error,
        summary,
        interp.machine.engine.trace if interp is not None else None,
        races,
    )


def _program(
    path: str | os.PathLike[str] | None,
    source: str | None,
    config: Config | None,
    options: dict[str, Any],
) -> tuple[str, str | bytes, Config]:
    """The program's file name and text, and its configuration (``options`` build or
    amend it)."""
    if (path is None) == (source is None):
        raise ConfigurationError("give exactly one of a path or source text")
    if config is None:
        config = Config(**options)
    elif options:
        config = attrs.evolve(config, **options)
    if path is not None:
        filename = os.fspath(path)
        with open(filename, "rb") as handle:
            return filename, handle.read(), config
    return "<string>", source or "", config


def explore(
    path: str | os.PathLike[str] | None = None,
    *,
    source: str | None = None,
    argv: tuple[str, ...] | list[str] = (),
    config: Config | None = None,
    strategy: str = "exhaustive",
    bound: int = 2,
    max_schedules: int | None = None,
    executor: concurrent.futures.Executor | None = None,
    workers: int = 1,
    reduce: bool = True,
    shrink: bool = True,
    progress: Progress | None = None,
    **options: Any,
) -> Exploration:
    """Run a program under many schedules and return every distinct outcome
    (``gilsim.schedules.search``), from ``path`` or from ``source`` text.

    ``strategy`` is ``"exhaustive"`` (every schedule with at most ``bound`` preemptions),
    ``"random"`` or ``"pct"``.  ``executor`` (any ``concurrent.futures.Executor``: a process
    pool, Dask's ``Client.get_executor()``) runs the schedules; without one, ``workers`` > 1
    makes a process pool and 1 runs them in this process.  The outcomes are the same either
    way.
    """
    filename, text, config = _program(path, source, config, options)
    program_argv = list(argv) if argv else [filename if path is not None else "-c"]
    return search.explore(
        text,
        filename,
        program_argv,
        config,
        strategy=strategy,
        bound=bound,
        max_schedules=max_schedules,
        executor=executor,
        workers=workers,
        reduce=reduce,
        shrink=shrink,
        progress=progress,
    )
