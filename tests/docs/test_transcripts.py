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


# Before a transcript whose figures are one version's (virtual times, the end of a run):
# ``<!-- transcript of Python 3.12, 3.13 -->``.  Without it a transcript is every version's.
VERSIONS = re.compile(r"<!-- transcript of Python ([\d., ]+) -->\n\Z")


def transcripts() -> list[tuple[str, str, list[str], tuple[str, ...]]]:
    """``(page, command, expected lines, versions)`` of every ``$ gilsim`` command in a
    console block (``versions``: the Pythons it is a transcript of, none if all)."""
    found = []
    for page in sorted((ROOT / "docs").glob("*.md")):
        text = page.read_text()
        for block in re.finditer(r"```console\n(.*?)```", text, re.S):
            tag = VERSIONS.search(text[: block.start()])
            versions = tuple(v.strip() for v in tag.group(1).split(",")) if tag else ()
            command, lines = None, []
            for line in block.group(1).splitlines() + ["$"]:
                if line.startswith("$"):
                    if command is not None:
                        found.append((page.name, command, lines, versions))
                    command, lines = line[1:].strip(), []
                else:
                    lines.append(line)
    return [each for each in found if each[1]]


def _needs(versions: tuple[str, ...]) -> list:
    """A transcript of other versions than the host's is checked on those."""
    host = f"{sys.version_info.major}.{sys.version_info.minor}"
    if not versions or host in versions:
        return []
    return [pytest.mark.skip(reason=f"a transcript of Python {', '.join(versions)}")]


@pytest.mark.parametrize(
    "page, command, expected",
    [pytest.param(*found[:3], marks=_needs(found[3])) for found in transcripts()],
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
