"""Wall time as a user meets it: ``--max-wall`` stops a run as the other limits do (one
``gilsim:`` line, status 3, the files still written), watching the wall clock changes
nothing in the run, and the progress line appears on a terminal only (a pseudo-terminal;
``gilsim.progress`` in-process for when it is drawn)."""

import io
import json
import os
import signal
import subprocess
import sys
import time

import pytest

from gilsim.progress import ProgressLine
from gilsim.schedules import command as explore_command
from gilsim.terminal import TerminalLine
from tests.cli.terminal import on_a_terminal

SPIN = "print('start', flush=True)\nwhile True:\n    pass\n"

# Two threads spinning: the GIL changes hands (events) while the wall clock is watched.
SPIN_THREADS = """\
import threading

def spin():
    while True:
        pass

print('start', flush=True)
threading.Thread(target=spin, daemon=True).start()
spin()
"""

COUNT = "i = 0\nwhile i < 300_000:\n    i += 1\nprint(i)\n"


def gilsim(*args, stderr=subprocess.PIPE):
    return subprocess.run(
        [sys.executable, "-m", "gilsim", *args],
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=stderr,
        text=True,
        timeout=120,
    )


@pytest.mark.parametrize("command", ["run", "races"])
@pytest.mark.parametrize("program", [SPIN, SPIN_THREADS], ids=["one thread", "two threads"])
def test_max_wall_stops_a_runaway_program_and_writes_the_files(tmp_path, command, program):
    script = tmp_path / "spin.py"
    script.write_text(program)
    summary, trace = tmp_path / "summary.json", tmp_path / "trace.jsonl"
    started = time.monotonic()
    result = gilsim(
        command, "--max-wall", "0.5s", "--json", str(summary), "--trace", str(trace), str(script)
    )
    took = time.monotonic() - started
    assert result.returncode == 3, result.stderr
    assert result.stdout == "start\n"
    lines = [line for line in result.stderr.splitlines() if "--max-wall" in line]
    assert lines == [lines[0]] and lines[0].startswith(
        "gilsim: the program ran past --max-wall 500 ms of wall time; stopped at "
    ), result.stderr
    assert "spin.py" in lines[0]
    assert took < 30  # without the limit it never ends
    data = json.loads(summary.read_text())
    assert data["exit_status"] == 3
    assert "--max-wall" in data["error"]
    assert data["wall_time_s"] >= 0.5
    assert trace.read_text().strip()


def test_a_watched_run_is_the_same_run(tmp_path):
    """Polling the wall clock costs no virtual time and no instructions: a run under a
    ``--max-wall`` it never reaches counts what the same run counts without it."""
    script = tmp_path / "count.py"
    script.write_text(COUNT)

    def counted(*options):
        summary = tmp_path / "summary.json"
        result = gilsim("run", *options, "--json", str(summary), str(script))
        assert result.returncode == 0, result.stderr
        assert result.stdout == "300000\n"
        data = json.loads(summary.read_text())
        return data["instructions"], data["virtual_time_ns"]

    assert counted("--max-wall", "1000s") == counted()


def test_a_long_run_shows_its_progress_on_a_terminal_and_erases_it(tmp_path):
    script = tmp_path / "spin.py"
    script.write_text(SPIN)
    status, stdout, terminal = on_a_terminal("run", "--max-wall", "2s", str(script))
    assert status == 3
    assert stdout == "start\n"  # never on the program's stdout
    drawn, _, after = terminal.rpartition("\r\x1b[K")  # erased before gilsim's message
    assert drawn.startswith("\rgilsim: "), terminal
    assert "of virtual time" in drawn and "instructions" in drawn and "of wall time" in drawn
    assert drawn.count("\r") <= 2 * 4  # a second of progress, four times a second at most
    assert after.startswith("gilsim: the program ran past --max-wall 2 s of wall time")


def test_a_short_run_shows_no_progress_on_a_terminal(tmp_path):
    script = tmp_path / "count.py"
    script.write_text("print(1)\n")
    status, stdout, terminal = on_a_terminal("run", str(script))
    assert (status, stdout, terminal) == (0, "1\n", "")


def test_no_progress_when_stderr_is_not_a_terminal(tmp_path):
    script = tmp_path / "spin.py"
    script.write_text(SPIN)
    result = gilsim("run", "--max-wall", "1.5s", str(script))
    assert result.returncode == 3
    assert result.stderr.splitlines() == [result.stderr.rstrip("\n")]
    assert "\r" not in result.stderr and "of virtual time" not in result.stderr


class Terminal(io.StringIO):
    def isatty(self):
        return True


def test_the_progress_line_waits_a_second_and_is_drawn_four_times_a_second_at_most():
    stream = Terminal()
    line = ProgressLine(stream)
    line.report(1_000_000, 1_000, 999_000_000)  # before the first second: nothing
    assert stream.getvalue() == ""
    line.report(2_000_000, 2_000, 1_000_000_000)
    assert stream.getvalue() == (
        "\rgilsim: 2 ms of virtual time, 2,000 instructions, 1.0 s of wall time\x1b[K"
    )
    line.report(3_000_000, 3_000, 1_249_000_000)  # too soon after the last
    line.report(4_000_000, 4_000, 1_250_000_000)
    assert stream.getvalue().count("\r") == 2 and "4,000" in stream.getvalue()
    line.end()
    assert stream.getvalue().endswith("\r\x1b[K")
    drawn = stream.getvalue()
    line.end()  # erased once
    assert stream.getvalue() == drawn


def test_a_line_never_drawn_is_not_erased():
    stream = Terminal()
    line = ProgressLine(stream)
    line.report(1, 1, 10)
    line.end()
    assert stream.getvalue() == ""


def test_the_progress_line_is_for_terminals_only(monkeypatch):
    monkeypatch.setenv("TERM", "xterm")
    assert ProgressLine.on_terminal(io.StringIO()) is None
    assert ProgressLine.on_terminal(None) is None
    assert ProgressLine.on_terminal(Terminal()) is not None
    monkeypatch.setenv("TERM", "dumb")
    assert ProgressLine.on_terminal(Terminal()) is None


def test_a_terminal_line_is_drawn_and_erased_in_place():
    stream = Terminal()
    line = TerminalLine(stream)
    line.erase()  # nothing drawn: nothing to take away
    line.draw("gilsim: one")
    line.draw("gilsim: two")
    line.erase()
    line.erase()
    assert stream.getvalue() == "\rgilsim: one\x1b[K\rgilsim: two\x1b[K\r\x1b[K"


def test_a_terminal_line_goes_quiet_once_a_write_fails():
    """A terminal that has gone (EIO, EBADF) ends the line, not gilsim."""
    reader, writer = os.pipe()
    os.close(reader)
    stream = os.fdopen(writer, "w")
    line = TerminalLine(stream)
    previous = signal.signal(signal.SIGPIPE, signal.SIG_IGN)
    try:
        line.draw("gilsim: lost")  # EPIPE
    finally:
        signal.signal(signal.SIGPIPE, previous)
    assert not line.on and line.drawn
    line.draw("gilsim: never")
    stream.close()


def test_the_search_line_is_for_terminals_only(monkeypatch):
    """``gilsim explore``'s line: on a terminal (not ``TERM=dumb``) or nowhere."""
    monkeypatch.setenv("TERM", "dumb")
    line = explore_command.ProgressLine(Terminal())
    assert line.line is None and line.previous is None
    line.show("running the default schedule")
    line.close()
    monkeypatch.setenv("TERM", "xterm")
    stream = Terminal()
    line = explore_command.ProgressLine(stream)
    try:
        line.show("running the default schedule")
        line.clear()
    finally:
        line.close()
    assert stream.getvalue() == (
        "\rgilsim: running the default schedule, 0:00 elapsed\x1b[K\r\x1b[K"
    )
