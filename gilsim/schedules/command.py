"""``gilsim explore SCRIPT [ARGS...]``: the text report, the JSON and the progress bar."""

from __future__ import annotations

import argparse
import json
import os
import shlex
import signal
import sys
import threading
import time
from types import FrameType
from typing import TextIO

from gilsim import outputs
from gilsim.arguments import duration, whole_number
from gilsim.config import Config
from gilsim.errors import ConfigurationError
from gilsim.gil.watch import Where, switch_phrase
from gilsim.program import compile_main
from gilsim.schedules.search import STRATEGIES, ChoiceInfo, Exploration, Outcome, explore
from gilsim.schedules.size import SearchSize, describe
from gilsim.terminal import TerminalLine, is_terminal
from gilsim.units import format_ns, parse_duration_ns

# The exit status of a search stopped by Ctrl-C, as a shell gives a command killed by SIGINT
# (128 + 2); the report of what was found comes first.
INTERRUPTED_STATUS = 130

# The exit status of a search stopped by --max-wall: that of a run stopped by a limit
# (``gilsim run``'s --max-time, --max-instructions, --max-wall); the report comes first.
LIMIT_STATUS = 3

# The most worker processes a search starts: each is a whole host interpreter (tens of MB);
# more than this only fills the host's memory.
MAX_WORKERS = 256


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--strategy",
        default="exhaustive",
        choices=STRATEGIES,
        help="exhaustive (every schedule up to --bound preemptions, the default), random, "
        "or pct (probabilistic concurrency testing) for larger programs",
    )
    parser.add_argument(
        "--bound",
        type=whole_number(0),
        default=2,
        metavar="N",
        help="preemptions per schedule (exhaustive; PCT's depth is N+1) (default 2)",
    )
    parser.add_argument(
        "--schedules",
        type=whole_number(1),
        metavar="N",
        help="stop after N schedules (default 5000 exhaustive, 200 random and pct)",
    )
    parser.add_argument(
        "--workers",
        type=whole_number(1, MAX_WORKERS),
        default=1,
        metavar="N",
        help="run schedules on N worker processes (default 1: in this process)",
    )
    parser.add_argument(
        "--max-wall",
        type=duration,
        metavar="DURATION",
        help="stop the search after this much real (wall-clock) time, and report what it found",
    )
    parser.add_argument(
        "--no-reduction",
        action="store_true",
        help="try every choice, also where partial-order reduction shows it cannot change anything",
    )


def run(args: argparse.Namespace, config: Config, source: bytes) -> int:
    """Explore, print the report (and the JSON); the exit status is 0 if every schedule
    ended the same way, 1 if not (or the program has a syntax error), 130 if stopped by
    Ctrl-C, 3 if stopped by ``--max-wall``."""
    if args.trace:
        raise ConfigurationError(
            "--trace records one run; replay a schedule with "
            "`gilsim run --schedule SCHEDULE --trace FILE SCRIPT`"
        )
    if args.perfetto:
        raise ConfigurationError(
            "--perfetto records one run; replay a schedule with "
            "`gilsim run --schedule SCHEDULE --perfetto FILE SCRIPT`"
        )
    if config.schedule is not None:
        raise ConfigurationError("--schedule replays one run: use it with `gilsim run`")
    outputs.check("--json", args.json)
    if compile_main(source, os.path.abspath(args.script)) is None:
        return 1  # no schedule can change a syntax error
    script = os.path.basename(args.script)

    def announce(size: SearchSize) -> None:
        line.clear()
        for text in describe(size, script):
            sys.stderr.write(f"gilsim: {text}\n")
        sys.stderr.flush()

    max_wall_ns = parse_duration_ns(args.max_wall) if args.max_wall is not None else None
    line = ProgressLine(sys.stderr)
    try:
        line.show("running the default schedule")
        found = explore(
            source,
            args.script,
            [args.script, *args.args],
            config,
            strategy=args.strategy,
            bound=args.bound,
            max_schedules=args.schedules,
            workers=args.workers,
            reduce=not args.no_reduction,
            progress=line.searched,
            announce=announce,
            max_wall_ns=max_wall_ns,
        )
    finally:
        line.close()
    _print_report(report(found, args.script, args.args, config))
    if found.timed_out:
        s = "s" if found.explored != 1 else ""
        sys.stderr.write(
            f"gilsim: the search ran past --max-wall {format_ns(max_wall_ns or 0)} of wall "
            f"time; stopped after {found.explored:,} schedule{s}\n"
        )
        sys.stderr.flush()
    # Like a test that found a bug: the outcome depends on the schedule.
    status = 0 if len(found.outcomes) == 1 else 1
    if found.interrupted:
        status = INTERRUPTED_STATUS
    elif found.timed_out:
        status = LIMIT_STATUS
    if args.json and not outputs.write(
        "--json", args.json, lambda path: _write_json(path, args.script, found)
    ):
        return 1
    return status


def _print_report(text: str) -> None:
    """The report on stdout.  A reader that has gone (``gilsim explore ... | head``) ends
    it quietly, as it ends a C program by SIGPIPE; stdout then points to ``/dev/null``, so
    that the end of this process does not fail to flush it again (the recipe of the
    ``signal`` module's documentation, "Note on SIGPIPE")."""
    try:
        sys.stdout.write(text)
        sys.stdout.flush()
    except BrokenPipeError:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        os.close(devnull)


def _write_json(path: str, script: str, found: Exploration) -> None:
    with open(path, "w", encoding="utf-8") as handle:
        json.dump({"script": script, **found.to_json()}, handle, indent=2)
        handle.write("\n")


class ProgressLine:
    """The search's line on ``stream`` when it is a terminal (``gilsim.terminal``; nothing
    when it is not): what the search is doing, schedules run, outcomes found, time elapsed.

    The time goes on while one run takes long (a big program's default run can take a
    minute): a timer (``SIGALRM`` every second, ``setitimer``) redraws the line.  A timer, not
    a thread, because runs are forked (``gilsim.isolation``) and a thread caught writing to
    the stream at a fork would leave its lock held in the child."""

    # Redraw at most this often: a small program runs hundreds of schedules a second.
    EVERY_S = 0.1

    def __init__(self, stream: TextIO) -> None:
        self.line = TerminalLine(stream) if is_terminal(stream) else None
        self.started = time.monotonic()
        self.drawn = 0.0
        # What the line says (without the time), or None while it is not shown.
        self.text: str | None = None
        self.previous: object = None
        if self.line is not None and threading.current_thread() is threading.main_thread():
            self.previous = signal.signal(signal.SIGALRM, self._tick)
            signal.setitimer(signal.ITIMER_REAL, 1.0, 1.0)

    def _tick(self, signum: int, frame: FrameType | None) -> None:
        if self.text is not None:
            self.show(self.text)

    def show(self, text: str) -> None:
        if self.line is None:
            return
        now = time.monotonic()
        elapsed = int(now - self.started)
        self.text = text
        self.drawn = now
        self.line.draw(f"gilsim: {text}, {elapsed // 60}:{elapsed % 60:02d} elapsed")

    def searched(self, explored: int, to_go: int, outcomes: int) -> None:
        """The ``progress`` of ``explore``."""
        if self.line is not None and time.monotonic() - self.drawn >= self.EVERY_S:
            s = "s" if explored != 1 else ""
            o = "s" if outcomes != 1 else ""
            self.show(f"{explored:,} schedule{s} run, {outcomes} outcome{o}, {to_go:,} to go")

    def clear(self) -> None:
        """Take the line away (before other lines are written, and at the end)."""
        if self.line is not None:
            self.text = None
            self.line.erase()

    def close(self) -> None:
        self.clear()
        if self.previous is not None:
            signal.setitimer(signal.ITIMER_REAL, 0)
            signal.signal(signal.SIGALRM, self.previous)  # type: ignore[arg-type]
            self.previous = None


def report(found: Exploration, script: str, argv: list[str], config: Config) -> str:
    """The text report: every outcome with its count and a schedule that replays it."""
    n = len(found.outcomes)
    how = (
        f"exhaustive, up to {found.bound} preemption{'s' if found.bound != 1 else ''}"
        if found.strategy == "exhaustive"
        else f"{found.strategy}, {found.explored} runs"
    )
    lines = [
        f"Explored {found.explored} schedule{'s' if found.explored != 1 else ''} of {script} "
        f"({how}): {n} distinct outcome{'s' if n != 1 else ''}."
    ]
    if found.interrupted:
        lines.append("Interrupted (Ctrl-C) before the search was done: other outcomes may exist.")
    elif found.timed_out:
        lines.append(
            "Stopped at its wall-time limit (--max-wall) before the search was done: "
            "other outcomes may exist."
        )
    elif found.strategy == "exhaustive" and not found.complete:
        lines.append(
            "The search stopped at its limit (--schedules) before trying every schedule: "
            "other outcomes may exist.  Raise --schedules, lower --bound, or sample a large "
            "program's schedules with --strategy pct."
        )
    for number, outcome in enumerate(found.outcomes, 1):
        lines.append("")
        lines.extend(_outcome(number, outcome, script, argv, config))
    return "\n".join(lines) + "\n"


def _outcome(
    number: int, outcome: Outcome, script: str, argv: list[str], config: Config
) -> list[str]:
    count = f"{outcome.schedules} schedule{'s' if outcome.schedules != 1 else ''}"
    lines = [f"Outcome {number}: {count}, exit status {outcome.exit_status}, output:"]
    text = outcome.stdout.rstrip("\n")
    lines.extend(f"    {line}" for line in (text.splitlines() or ["(none)"]))
    if outcome.exit_status != 0 and outcome.stderr:
        last = outcome.stderr.rstrip("\n").splitlines()[-1]
        lines.append(f"  ending with: {last}")
    p = outcome.preemptions
    lines.append(f"  schedule: {outcome.schedule} ({p} preemption{'s' if p != 1 else ''})")
    lines.extend(f"    {_choice_text(choice, script)}" for choice in outcome.choices)
    lines.append(f"  replay: {replay_command(outcome, script, argv, config)}")
    return lines


def _choice_text(choice: ChoiceInfo, script: str) -> str:
    """``at 18: the GIL goes to "MainThread" when Thread-1 entered audit() (line 29)``."""
    text = f'at {choice.point}: the GIL goes to "{choice.thread_name}"'
    if choice.kind == "release":
        text += " (the one of the waiters it is signalled to)"
    if choice.filename is None or choice.opname is None:
        return text
    location = f"line {choice.line}"
    if os.path.abspath(choice.filename) != os.path.abspath(script):
        location = f"{os.path.basename(choice.filename)} {location}"
    where = Where(choice.filename, choice.line, choice.opname, choice.function or "?")
    how = "release" if choice.kind == "release" else "check point"
    holder = choice.holder_name.split(" (")[0]
    return f"{text} {switch_phrase(where, holder, how, location)}"


def replay_command(outcome: Outcome, script: str, argv: list[str], config: Config) -> str:
    """``gilsim run --schedule ...`` with the options that shape the run."""
    words = ["gilsim", "run", "--schedule", str(outcome.schedule)]
    defaults = Config()
    if config.machine != defaults.machine:
        words += ["--machine", config.machine]
    if config.cores is not None:
        words += ["--cores", str(config.cores)]
    if config.switch_interval_ns != defaults.switch_interval_ns:
        words += ["--switch-interval", _exact(config.switch_interval_ns)]
    if config.wake_policy != defaults.wake_policy:
        words += ["--wake-policy", config.wake_policy]
    if config.checkpoints != defaults.checkpoints:
        words += ["--checkpoints", config.checkpoints]
    if config.seed != defaults.seed:
        words += ["--seed", str(config.seed)]
    if config.max_time_ns is not None:
        words += ["--max-time", _exact(config.max_time_ns)]
    if config.max_instructions is not None:
        words += ["--max-instructions", str(config.max_instructions)]
    return shlex.join([*words, script, *argv])


def _exact(duration_ns: int) -> str:
    """A duration as the command line reads it back exactly: the largest unit that divides
    it."""
    for unit, size in (("s", 1_000_000_000), ("ms", 1_000_000), ("us", 1_000)):
        if duration_ns % size == 0:
            return f"{duration_ns // size}{unit}"
    return f"{duration_ns}ns"
