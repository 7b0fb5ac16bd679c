"""``gilsim render SCRIPT [ARGS...] -o FILE [--kind timeline|graph|race]``: run a program
as ``gilsim run`` does (its output and exit status pass through), then draw the run."""

from __future__ import annotations

import argparse
import os
from collections.abc import Mapping, Sequence
from typing import Any

from gilsim.arguments import whole_number
from gilsim.engine.core import NEVER
from gilsim.errors import ConfigurationError
from gilsim.render import KINDS, picture, write_picture
from gilsim.render.output import picture_format
from gilsim.render.timeline import parse_window


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "-o",
        "--output",
        metavar="FILE",
        help="the picture to write: .svg, .png or .dot (DOT source, drawn anywhere)",
    )
    parser.add_argument(
        "--kind",
        default="timeline",
        choices=KINDS,
        help="timeline (lanes for the GIL, threads and cores; the default), graph (the "
        "schedule graph) or race (the events that explain one race)",
    )
    parser.add_argument(
        "--window",
        metavar="START:END",
        help="show only this span of virtual time, e.g. 10ms:60ms, 20ms: or :5ms",
    )
    parser.add_argument(
        "--race",
        type=whole_number(1),
        default=1,
        metavar="N",
        help="with --kind race: which race report to draw, in the order they are told (default 1)",
    )


TRAILING = {
    "-o": "output",
    "--output": "output",
    "--kind": "kind",
    "--window": "window",
    "--race": "race",
}


def take_trailing_options(args: argparse.Namespace) -> None:
    """``gilsim render SCRIPT ARGS... -o FILE --kind K``: render's own options may also end
    the line, after the program's arguments (as long as none was given before SCRIPT:
    then everything after it is the program's).  Takes them off the program's ``args``."""
    if args.output is not None:
        return
    words = args.args
    start = len(words)
    while start >= 2 and words[start - 2] in TRAILING:
        start -= 2
    for option, value in zip(words[start::2], words[start + 1 :: 2], strict=True):
        if option == "--race":
            try:
                args.race = int(value)
            except ValueError:
                raise ConfigurationError(f"--race {value!r}: give a number") from None
        elif option == "--kind" and value not in KINDS:
            raise ConfigurationError(f"--kind {value!r}: choose from {', '.join(KINDS)}")
        else:
            setattr(args, TRAILING[option], value)
    args.args = words[:start]


def check(args: argparse.Namespace) -> None:
    """Refuse a file name or window that cannot work before the program runs."""
    take_trailing_options(args)
    if args.output is None:
        raise ConfigurationError("render: say where to draw the run: -o FILE (.svg, .png or .dot)")
    picture_format(args.output)
    parse_window(args.window, NEVER)


def draw(
    args: argparse.Namespace, trace: Sequence[Mapping[str, Any]], recorder: Any
) -> tuple[int, str]:
    """Draw the recorded run as ``args`` ask: 0 if drawn, else 1, and what to tell."""
    end_ns = trace[-1]["time_ns"] if trace else 0
    window = parse_window(args.window, end_ns)
    races: list[Any] = []
    if recorder is not None:
        from gilsim.races import race_reports

        races = race_reports(recorder)
    if args.kind == "race":
        if not races:
            return 1, "render: no race found in this run, so there is no race to draw"
        if not 1 <= args.race <= len(races):
            return 1, f"render: --race {args.race}: this run has races 1 to {len(races)}"
    title = os.path.basename(args.script)
    shown = picture(
        trace,
        kind=args.kind,
        window=window,
        races=races,
        race=args.race - 1,
        title=title,
    )
    written = write_picture(shown, args.output)
    if written.note is not None:
        return 0, f"render: {written.note}"
    return 0, f"render: wrote the {args.kind} to {written.path}"
