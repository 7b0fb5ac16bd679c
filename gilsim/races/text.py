"""The race report as text, for stderr (``gilsim races``, ``gilsim run --races``)."""

from __future__ import annotations

import textwrap
from typing import Any

from gilsim.races.reports import RaceReport

_TITLES = {
    "lost update": ("lost update", "lost updates"),
    "atomicity violation": ("possible atomicity violation", "possible atomicity violations"),
    "data race": ("data race", "data races"),
}


def format_report(reports: list[RaceReport], stats: dict[str, Any] | None = None) -> str:
    """A header line (``gilsim: races: ...``), then each report's story, wrapped."""
    if not reports:
        return "gilsim: races: no races found\n"
    counts = []
    for kind, (one, many) in _TITLES.items():
        number = sum(1 for report in reports if report.kind == kind)
        if number:
            counts.append(f"{number} {one if number == 1 else many}")
    lines = [f"gilsim: races: {', '.join(counts)}"]
    for report in reports:
        lines.append("")
        lines.extend(textwrap.wrap(report.story, 96, initial_indent="  ", subsequent_indent="    "))
    if stats and stats.get("truncated"):
        lines.append("")
        lines.append(
            f"  (the record filled up at {stats['places']} places; places first touched after "
            "that were not recorded)"
        )
    return "\n".join(lines) + "\n"
