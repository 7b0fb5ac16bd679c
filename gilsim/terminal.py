"""One line of a terminal drawn in place: the progress lines of ``gilsim run``
(``gilsim.progress``) and ``gilsim explore`` (``gilsim.schedules.command``) both draw theirs
with ``TerminalLine``, and say themselves what it says and when.

A line is drawn only on a terminal that moves its cursor (not a pipe, not a file, not
``TERM=dumb``), as ``\\r`` + its text + ANSI's "erase to the end of the line" (EL,
``CSI K``: what a shorter line leaves behind), and erased (``\\r`` + EL) before gilsim writes
lines of its own.  It is written with ``os.write``, the stream's buffer aside: a signal
handler (``explore``'s timer) may draw it while this process is in the middle of writing to
the same stream, where a second ``write`` of the stream would fail as reentrant.  A write that
fails (the terminal has gone) turns the line off for good.
"""

from __future__ import annotations

import os
from typing import TextIO

# ANSI's "erase to the end of the line" (EL, ``CSI K``).
ERASE = "\x1b[K"


def is_terminal(stream: TextIO | None) -> bool:
    """Whether ``stream`` is a terminal a line can be redrawn on."""
    try:
        tty = stream is not None and stream.isatty()
    except (AttributeError, ValueError):  # no ``isatty``, or closed
        tty = False
    return tty and os.environ.get("TERM") != "dumb"


class TerminalLine:
    """A line of ``stream`` (a terminal: see ``is_terminal``), redrawn in place by ``draw``
    and taken away by ``erase``."""

    def __init__(self, stream: TextIO) -> None:
        self.stream = stream
        # Off once a write has failed: nothing more is drawn.
        self.on = True
        # Whether something is on the terminal, for ``erase`` to take away.
        self.drawn = False

    def draw(self, text: str) -> None:
        """Draw ``text`` (one line) over what the line showed."""
        if self.on:
            self.drawn = True
            self._write(f"\r{text}{ERASE}")

    def erase(self) -> None:
        """Take the line away, leaving the cursor where it began; what this process wrote
        to the stream before goes out first."""
        if self.drawn:
            self.drawn = False
            try:
                self.stream.flush()
            except (OSError, ValueError):
                pass  # the stream's own writer reports its failure
            self._write(f"\r{ERASE}")

    def _write(self, text: str) -> None:
        try:
            try:
                descriptor = self.stream.fileno()
            except (AttributeError, ValueError):  # a stream in memory (io.UnsupportedOperation)
                self.stream.write(text)
                self.stream.flush()
                return
            os.write(descriptor, text.encode("utf-8", "replace"))
        except OSError:
            self.on = False  # the terminal is gone: say nothing more
