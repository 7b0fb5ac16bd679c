"""Property tests over generated programs (:func:`gilsim.testing.programs`).

``test_gilsim_prints_what_cpython_prints`` is gilsim's central promise stated as a
property: for any program the generator makes, gilsim's stdout, stderr and exit status are
CPython's.  Hypothesis shrinks a failing program to a few lines, shown with line numbers and
a diff of what differs.

``test_generated_programs_are_valid_and_deterministic`` checks the generator's own promise,
with CPython alone: every program runs to its end within two seconds, prints the same under
two hash seeds, and stops, if it stops early, on one of the exceptions it raises on purpose
(never a ``TypeError`` or ``NameError`` from a generator bug).
"""

from __future__ import annotations

import difflib
import os
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from hypothesis import given, note

import gilsim
from gilsim.interpreter import blocks
from gilsim.testing import programs

GENERATOR_TIMEOUT_S = 2
CPYTHON_TIMEOUT_S = 30
MAX_INSTRUCTIONS = 5_000_000
INTENDED_EXCEPTIONS = (
    "ValueError",
    "KeyError",
    "IndexError",
    "ZeroDivisionError",
    "AssertionError",
    "AppError",
)


@dataclass(frozen=True)
class Outcome:
    """What a run of a program shows: its two output streams and its exit status."""

    stdout: str
    stderr: str
    exit_status: int


@contextmanager
def program_file(source: str) -> Iterator[Path]:
    """The program written to a fresh temporary file (its path shows in tracebacks)."""
    with tempfile.TemporaryDirectory(prefix="gilsim-prop-") as directory:
        path = Path(directory) / "program.py"
        path.write_text(source, encoding="utf-8")
        yield path


def run_cpython(path: Path, *, hash_seed: str = "0", timeout: float = CPYTHON_TIMEOUT_S) -> Outcome:
    env = {**os.environ, "PYTHONHASHSEED": hash_seed, "PYTHONIOENCODING": "utf-8"}
    for var in ("PYTHONSTARTUP", "PYTHONINSPECT", "PYTHONBREAKPOINT", "PYTHONWARNINGS"):
        env.pop(var, None)
    proc = subprocess.run(
        [sys.executable, str(path)],
        cwd=path.parent,
        env=env,
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        encoding="utf-8",
        timeout=timeout,
    )
    return Outcome(proc.stdout, proc.stderr, proc.returncode)


def run_gilsim(path: Path, *, compile_blocks: bool = True) -> Outcome:
    """Run in-process; ``compile_blocks=False`` runs every instruction through its handler
    (``gilsim.interpreter.blocks``), so that both ways are checked."""
    config = gilsim.Config(max_instructions=MAX_INSTRUCTIONS)
    saved = blocks.ENABLED
    blocks.ENABLED = compile_blocks
    try:
        result = gilsim.run(path=str(path), config=config)
    finally:
        blocks.ENABLED = saved
    return Outcome(result.stdout, result.stderr, result.exit_status)


def numbered(source: str) -> str:
    return "".join(f"{n:3} | {line}\n" for n, line in enumerate(source.splitlines(), 1))


def describe_mismatch(source: str, expected: Outcome, actual: Outcome) -> str:
    """The program with line numbers, then each difference: exit status, unified diffs."""
    parts = ["gilsim diverges from CPython on this program:", numbered(source)]
    if expected.exit_status != actual.exit_status:
        parts.append(f"exit status: cpython={expected.exit_status} gilsim={actual.exit_status}")
    for stream in ("stdout", "stderr"):
        want, got = getattr(expected, stream), getattr(actual, stream)
        if want != got:
            diff = difflib.unified_diff(
                want.splitlines(keepends=True),
                got.splitlines(keepends=True),
                fromfile=f"cpython {stream}",
                tofile=f"gilsim {stream}",
            )
            parts.append("".join(diff) or f"{stream}: {want!r} != {got!r}")
    return "\n".join(parts)


@given(source=programs())
def test_gilsim_prints_what_cpython_prints(source: str) -> None:
    note(numbered(source))
    with program_file(source) as path:
        expected = run_cpython(path)
        actual = run_gilsim(path)
        one_at_a_time = run_gilsim(path, compile_blocks=False)
    assert actual == expected, describe_mismatch(source, expected, actual)
    assert one_at_a_time == expected, describe_mismatch(source, expected, one_at_a_time)


@given(source=programs())
def test_generated_programs_are_valid_and_deterministic(source: str) -> None:
    note(numbered(source))
    with program_file(source) as path:
        first = run_cpython(path, hash_seed="0", timeout=GENERATOR_TIMEOUT_S)
        second = run_cpython(path, hash_seed="1", timeout=GENERATOR_TIMEOUT_S)
    assert first == second, "output depends on the hash seed:\n" + describe_mismatch(
        source, first, second
    )
    assert " at 0x" not in first.stdout, "a default repr with an address was printed"
    assert first.exit_status in (0, 1), first.stderr
    if first.exit_status == 1:
        last_line = first.stderr.rstrip("\n").rsplit("\n", 1)[-1]
        assert first.stderr.startswith("Traceback (most recent call last):\n"), first.stderr
        assert last_line.startswith(INTENDED_EXCEPTIONS), first.stderr
    else:
        assert first.stderr == "", first.stderr
