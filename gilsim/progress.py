"""The progress line of a long run on a terminal: virtual time reached, instructions run and
wall time, redrawn in place on stderr.

It is drawn only when stderr is a terminal, from one second of wall time on (a short run
shows none), at most four times a second, and erased before gilsim writes its own report.
The program's own output to the same terminal meanwhile is not held back: a line it writes
while the progress line is up starts after it (``docs/command-line.md``).
"""

from __future__ import annotations

import os
from typing import TextIO

from gilsim.units import NS_PER_UNIT, format_ns

# How long a run goes before its progress is shown, and how often it is redrawn (wall ns).
DELAY_NS = 1 * NS_PER_UNIT["s"]
EVERY_NS = 250 * NS_PER_UNIT["ms"]

# ANSI's "erase to the end of the line" (EL, ``CSI K``): what a shorter line leaves behind.
ERASE = "\x1b[K"


class ProgressLine:
    """The progress line on ``stream``: ``report`` is the watchdog's
    (``gilsim.interpreter.watchdog.Report``), ``end`` erases the line if it was drawn."""

    def __init__(self, stream: TextIO, delay_ns: int = DELAY_NS, every_ns: int = EVERY_NS):
        self.stream = stream
        self.delay_ns = delay_ns
        self.every_ns = every_ns
        # Wall time of the last drawing (ns), or None while nothing is on the terminal.
        self.drawn_ns: int | None = None

    @classmethod
    def on_terminal(cls, stream: TextIO | None) -> ProgressLine | None:
        """A progress line on ``stream`` if it is a terminal that moves its cursor, else
        None (a pipe, a file, ``TERM=dumb``)."""
        if stream is None or not stream.isatty() or os.environ.get("TERM") == "dumb":
            return None
        return cls(stream)

    def report(self, virtual_time_ns: int, instructions: int, wall_ns: int) -> None:
        if wall_ns < self.delay_ns:
            return
        if self.drawn_ns is not None and wall_ns - self.drawn_ns < self.every_ns:
            return
        self.drawn_ns = wall_ns
        text = (
            f"gilsim: {format_ns(virtual_time_ns)} of virtual time, "
            f"{instructions:,} instructions, {wall_ns / NS_PER_UNIT['s']:.1f} s of wall time"
        )
        self.stream.write(f"\r{text}{ERASE}")
        self.stream.flush()

    def end(self) -> None:
        """Erase the line, leaving the cursor where the line began."""
        if self.drawn_ns is not None:
            self.drawn_ns = None
            self.stream.write(f"\r{ERASE}")
            self.stream.flush()
