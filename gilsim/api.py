"""The Python API: ``gilsim.run`` takes a path or source text and a configuration and
returns what happened."""

from __future__ import annotations

import concurrent.futures
import os
import sys
import warnings
from typing import Any

import attrs

from gilsim import versions
from gilsim.analysis import Timeline, timeline_of
from gilsim.config import Config
from gilsim.errors import ConfigurationError
from gilsim.isolation import call_in_child
from gilsim.program import captured_stdio, run_main, thread_names
from gilsim.schedules import schedule, search
from gilsim.schedules.search import Announce, Exploration, Progress
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
    name: str = attrs.field(default="", repr=False)

    # -- what the trace shows (runs with ``trace=True``) -------------------------------

    def _recorded(self) -> list[dict[str, Any]]:
        if self.trace is None:
            raise ConfigurationError(
                "this run kept no trace: run it with trace=True to draw or analyse it"
            )
        return self.trace

    def timeline(self) -> Timeline:
        """The run's lanes: each thread's states, each core's and the GIL's occupants,
        the hand-offs (``gilsim.analysis.timeline``)."""
        return timeline_of(self._recorded())

    def schedule_graph(self) -> Any:
        """The schedule graph, a ``networkx.MultiDiGraph`` (``gilsim.analysis.schedule_graph``
        documents its nodes and edges); with race edges when the run recorded races."""
        from gilsim.analysis.graph import schedule_graph

        return schedule_graph(self._recorded(), self.races or ())

    def picture(self, kind: str = "timeline", window: str | None = None, race: int = 1) -> Any:
        """A Graphviz picture of the run (``kind``: timeline, graph or race; ``window``:
        ``"10ms:60ms"``; ``race``: which race report, from 1)."""
        from gilsim.render import picture
        from gilsim.render.timeline import parse_window

        trace = self._recorded()
        span = parse_window(window, trace[-1]["time_ns"] if trace else 0)
        return picture(
            trace,
            kind=kind,
            window=span,
            races=self.races or [],
            race=race - 1,
            title=self.name,
        )

    def render(self, path: str, kind: str = "timeline", window: str | None = None) -> str:
        """Write the picture to ``path`` (``.svg``, ``.png``, ``.dot``); returns the path
        written, which is a ``.dot`` file when Graphviz is missing (with a warning)."""
        from gilsim.render import write_picture

        written = write_picture(self.picture(kind, window), path)
        if written.note is not None:
            warnings.warn(written.note, stacklevel=2)
        return written.path

    def _repr_svg_(self) -> str | None:
        """Jupyter shows a result as its timeline (None, the plain repr, without a trace or
        without Graphviz)."""
        if self.trace is None:
            return None
        from gilsim.render import render_bytes
        from gilsim.render.output import GraphvizMissing

        try:
            return render_bytes(self.picture(), "svg").decode("utf-8")
        except GraphvizMissing:
            return None


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

    On the host's own interpreter (3.12 and later) the run happens in a child process of
    this one (``gilsim.isolation``), so that nothing of it stays in this process.
    """
    filename, text, config = _program(path, source, config, options)
    if versions.traced():
        return call_in_child(_run_here, filename, text, config, argv, path, stdin, capture)
    return _run_here(filename, text, config, argv, path, stdin, capture)


def _run_here(
    filename: str,
    text: str | bytes,
    config: Config,
    argv: tuple[str, ...] | list[str],
    path: Any,
    stdin: str | None,
    capture: bool,
) -> RunResult:
    """``run``, in this process."""
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
    if interp is not None and interp.refcounts is not None:
        for note in interp.refcounts.notes(thread_names(interp)):
            if capture:
                stderr += f"gilsim: {note}\n"
            else:
                sys.stderr.write(f"gilsim: {note}\n")
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
        os.path.basename(filename),
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
    announce: Announce | None = None,
    max_wall_ns: int | None = None,
    **options: Any,
) -> Exploration:
    """Run a program under many schedules and return every distinct outcome
    (``gilsim.schedules.search``), from ``path`` or from ``source`` text.

    ``strategy`` is ``"exhaustive"`` (every schedule with at most ``bound`` preemptions),
    ``"random"`` or ``"pct"``.  ``executor`` (any ``concurrent.futures.Executor``: a process
    pool, Dask's ``Client.get_executor()``) runs the schedules; without one, ``workers`` > 1
    makes a process pool and 1 runs them in this process.  The outcomes are the same either
    way.  ``progress(explored, to_go, outcomes)`` is called after every run, ``announce``
    once with the search's ``SearchSize`` (``gilsim.schedules.size``) after the default run.
    Ctrl-C stops the search and returns what it found (``interrupted``), and so does
    ``max_wall_ns`` of wall time (``timed_out``).
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
        announce=announce,
        max_wall_ns=max_wall_ns,
    )
