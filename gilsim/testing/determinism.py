"""Same seed, same trace: a run replays exactly.

gilsim's engine draws every random choice from one seeded generator and orders simultaneous
events by a sequence number (``gilsim/engine/core.py``), so a program run twice with one
configuration must schedule the same way, to the nanosecond, and print the same.
"""

from __future__ import annotations

import difflib
import json
import re
from typing import Any

import attrs

from gilsim.api import RunResult, run
from gilsim.config import Config
from gilsim.testing.invariants import InvariantViolation

__all__ = ["check_deterministic"]

_ADDRESS = re.compile(r" at 0x[0-9a-fA-F]+")


def check_deterministic(
    source: str, config: Config | None = None, *, mask_addresses: bool = False
) -> RunResult:
    """Run ``source`` twice with ``config`` (the trace on) and require the same trace,
    output, exit status, counts and summary, byte for byte; return the first run.

    With ``mask_addresses``, host addresses in reprs (``<... at 0x7f...>``), which differ
    between two runs in one process, are masked before comparing.
    """
    config = attrs.evolve(config or Config(), trace=True)
    first, second = run(source=source, config=config), run(source=source, config=config)
    left, right = _transcript(first, mask_addresses), _transcript(second, mask_addresses)
    if left != right:
        diff = difflib.unified_diff(left, right, "first run", "second run", n=2, lineterm="")
        shown = list(diff)[:40]
        raise InvariantViolation(
            "same seed, same trace: two runs with one configuration differ\n" + "\n".join(shown)
        )
    return first


def _transcript(result: RunResult, mask: bool) -> list[str]:
    """Everything a run shows, one line per trace event, as text."""
    head: dict[str, Any] = {
        "exit_status": result.exit_status,
        "instructions": result.instructions,
        "virtual_time_ns": result.virtual_time_ns,
        "error": result.error,
        "summary": result.summary,
    }
    lines = [
        "stdout: " + json.dumps(result.stdout),
        "stderr: " + json.dumps(result.stderr),
        *(f"{key}: {json.dumps(value)}" for key, value in head.items()),
    ]
    lines += [json.dumps(event) for event in result.trace or []]
    if mask:
        lines = [_ADDRESS.sub(" at 0x...", line) for line in lines]
    return lines
