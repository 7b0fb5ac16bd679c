"""Every file or folder of the repository that the documentation, the examples, gilsim's
source (its docstrings and comments), its tests and benchmarks or a README names is there for
a reader to open: a path such as ``docs/model/gil.md``, ``gilsim/gil/newgil.py`` or
``benchmarks/kernels`` exists, and no reference points outside the repository
(``../shared/...``).  A path that starts with ``../`` is read from the folder of the file that
names it (``../examples/convoy.py`` in ``docs/``), any other from the repository's root."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]

# Where references are read: the pages, the examples, gilsim's source and tests, the
# benchmarks, the READMEs and scripts.
SOURCES = sorted(
    [
        *(p for p in (REPO / "docs").rglob("*.md") if "_build" not in p.parts),
        *(REPO / "examples").rglob("*.py"),
        *(REPO / "gilsim").rglob("*.py"),
        *(REPO / "gilsim").rglob("*.c"),
        *(p for p in (REPO / "tests").rglob("*.py") if p != Path(__file__).resolve()),
        *(REPO / "benchmarks").rglob("*.py"),
        *REPO.glob("*.md"),
        *REPO.glob("*/README.md"),
        *(REPO / "scripts").glob("*.sh"),
    ]
)

# A path in the repository: one of its top-level folders, then at least one more part.  The
# lookbehind keeps out the tails of longer paths (CPython's ``Lib/test/...``, URLs).
REFERENCE = re.compile(
    r"(?<![\w./-])((?:\.\./)+[\w.-]+/[\w./-]*\w"
    r"|(?:spec|docs|gilsim|examples|tests|benchmarks|scripts)/[\w./-]*\w)"
)

# Paths that name no file of the repository by design: what the docs' build writes.
NOT_FILES = ("docs/_build", "../_images/")


def _references(path: Path) -> list[str]:
    text = path.read_text(encoding="utf-8")
    found = []
    for match in REFERENCE.finditer(text):
        reference = match.group(1)
        if text[match.end() : match.end() + 1] in ("*", "{", "<"):  # a pattern, not a path
            continue
        if reference.startswith(NOT_FILES):
            continue
        found.append(reference)
    return found


def test_references_are_found():
    """The scan finds the references it checks (so a broken pattern cannot pass as clean)."""
    references = {r for path in SOURCES for r in _references(path)}
    assert "docs/model/gil.md" in references
    assert "docs/model/processes.md" in references
    assert any(r.startswith("gilsim/") for r in references)
    assert any(r.startswith("examples/") for r in references)


@pytest.mark.parametrize("path", SOURCES, ids=lambda p: str(p.relative_to(REPO)))
def test_every_referenced_path_exists(path):
    """Each path named resolves from the repository's root to a file or folder in it."""
    missing = []
    for reference in _references(path):
        target = (path.parent if reference.startswith("../") else REPO) / reference
        if not target.exists() or not target.resolve().is_relative_to(REPO):
            missing.append(reference)
    assert not missing, f"{path.relative_to(REPO)} names what the repository has not: {missing}"
