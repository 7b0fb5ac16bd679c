"""``gilsim.run`` in-process, with the standard streams captured: the program sees streams
as CPython shows them on a pipe (an encoding, names, not a terminal, ``sys.__stdout__``)."""

import subprocess
import sys
from pathlib import Path

import gilsim

PROGRAM = Path(__file__).parent / "differential" / "programs" / "io_stdout_stderr.py"


def test_captured_streams_look_like_a_pipe():
    native = subprocess.run(
        [sys.executable, PROGRAM.name], cwd=PROGRAM.parent, capture_output=True, text=True
    )
    result = gilsim.run(PROGRAM)
    assert (result.stdout, result.stderr, result.exit_status) == (
        native.stdout,
        native.stderr,
        native.returncode,
    )


def test_captured_stdin_is_read_as_text():
    result = gilsim.run(
        source="import sys\nprint(sys.stdin.name, repr(sys.stdin.read()))", stdin="two\nlines"
    )
    assert result.stdout == "<stdin> 'two\\nlines'\n"
