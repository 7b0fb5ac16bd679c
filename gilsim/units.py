"""Durations as the user writes them (``5ms``, ``200us``, ``0.005``) and as gilsim keeps them:
integer nanoseconds.  Every duration inside gilsim is an ``int`` whose name ends in ``_ns``."""

from __future__ import annotations

import re

from gilsim.errors import ConfigurationError

NS_PER_UNIT = {"ns": 1, "us": 1_000, "µs": 1_000, "ms": 1_000_000, "s": 1_000_000_000}

_DURATION = re.compile(r"^\s*(\d+(?:\.\d*)?|\.\d+)(?:[eE][-+]?\d+)?\s*(ns|us|µs|ms|s)?\s*$")


def parse_duration_ns(text: str | int | float) -> int:
    """Parse ``"5ms"``, ``"200us"``, ``"1.5s"`` or a bare number of seconds into nanoseconds."""
    if isinstance(text, bool):
        raise ConfigurationError(f"not a duration: {text!r}")
    if isinstance(text, int | float):
        return _seconds_to_ns(float(text), str(text))
    match = _DURATION.match(text)
    if not match:
        raise ConfigurationError(
            f"not a duration: {text!r} (write e.g. 5ms, 200us, 2s or 0.005 for seconds)"
        )
    unit = match.group(2)
    number = float(text.strip().removesuffix(unit or "").strip())
    if unit is None:
        return _seconds_to_ns(number, text)
    return round(number * NS_PER_UNIT[unit])


def _seconds_to_ns(seconds: float, shown: str) -> int:
    if seconds < 0:
        raise ConfigurationError(f"a duration cannot be negative: {shown}")
    return round(seconds * 1_000_000_000)


def format_ns(duration_ns: int) -> str:
    """Show a duration in the largest unit that keeps it readable: ``5.12 ms``."""
    for unit, size in (("s", 1_000_000_000), ("ms", 1_000_000), ("us", 1_000)):
        if abs(duration_ns) >= size:
            return f"{duration_ns / size:.3g} {unit}"
    return f"{duration_ns} ns"
