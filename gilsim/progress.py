"""The progress line of a long run on a terminal: virtual time reached, instructions run and
wall time, redrawn in place on stderr (``gilsim.terminal`` draws it).

It is drawn only when stderr is a terminal, from one second of wall time on (a short run
shows none), at most four times a second, and erased before gilsim writes its own report.
The program's own output to the same terminal meanwhile is not held back: a line it writes
while the progress line is up starts after it (``docs/command-line.md``).
"""

from __future__ import annotations

from typing import TextIO

from gilsim.terminal import TerminalLine, is_terminal
from gilsim.units import NS_PER_UNIT, format_ns

# How long a run goes before its progress is shown, and how often it is redrawn (wall ns).
DELAY_NS = 1 * NS_PER_UNIT["s"]
EVERY_NS = 250 * NS_PER_UNIT["ms"]


class ProgressLine:
    """The progress line on ``stream``: ``report`` is the watchdog's
    (``gilsim.interpreter.watchdog.Report``), ``end`` erases the line if it was drawn."""

    def __init__(self, stream: TextIO, delay_ns: int = DELAY_NS, every_ns: int = EVERY_NS):
        self.line = TerminalLine(stream)
        self.delay_ns = delay_ns
        self.every_ns = every_ns
        # Wall time of the last drawing (ns), or None while nothing is on the terminal.
        self.drawn_ns: int | None = None

    @classmethod
    def on_terminal(cls, stream: TextIO | None) -> ProgressLine | None:
        """A progress line on ``stream`` if it is a terminal that moves its cursor, else
        None (a pipe, a file, ``TERM=dumb``)."""
        return cls(stream) if stream is not None and is_terminal(stream) else None

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
        self.line.draw(text)

    def end(self) -> None:
        """Erase the line, leaving the cursor where the line began."""
        if self.drawn_ns is not None:
            self.drawn_ns = None
            self.line.erase()
