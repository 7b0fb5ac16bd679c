"""The docs' ``console`` transcripts are what gilsim prints: each ``$ gilsim ...`` command in
a ``console`` block of ``docs/*.md`` is run from the project's root, and its standard output
and error, together, are the lines that follow it."""

from __future__ import annotations

import re
import shlex
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def transcripts() -> list[tuple[str, str, list[str]]]:
    """``(page, command, expected lines)`` of every ``$ gilsim`` command in a console block."""
    found = []
    for page in sorted((ROOT / "docs").glob("*.md")):
        for block in re.findall(r"```console\n(.*?)```", page.read_text(), re.S):
            command, lines = None, []
            for line in block.splitlines() + ["$"]:
                if line.startswith("$"):
                    if command is not None:
                        found.append((page.name, command, lines))
                    command, lines = line[1:].strip(), []
                else:
                    lines.append(line)
    return [(page, command, lines) for page, command, lines in found if command]


def _needs(command: str) -> list:
    """A transcript of ``--refcount`` needs it (``feature("refcounts")``)."""
    return [pytest.mark.feature("refcounts")] if "--refcount" in command else []


@pytest.mark.parametrize(
    "page, command, expected",
    [pytest.param(*found, marks=_needs(found[1])) for found in transcripts()],
)
def test_a_transcript_is_what_gilsim_prints(page, command, expected):
    argv = shlex.split(command)
    assert argv[0] == "gilsim", (page, command)
    done = subprocess.run(
        [sys.executable, "-m", "gilsim", *argv[1:]],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines() + done.stderr.splitlines() == expected, (page, command)


def test_the_docs_have_a_transcript():
    assert transcripts()
