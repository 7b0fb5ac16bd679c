"""Running a program given as source, for the tests of this package."""

from __future__ import annotations

import textwrap
from pathlib import Path

import gilsim


def run(tmp_path: Path, source: str, **options):
    """Run ``source`` (dedented) as ``main.py`` in ``tmp_path`` under gilsim."""
    path = tmp_path / "main.py"
    path.write_text(textwrap.dedent(source), encoding="utf-8")
    return gilsim.run(path, argv=[str(path)], **options)
