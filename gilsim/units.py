"""Durations as the user writes them (``5ms``, ``200us``, ``0.005``) and as gilsim keeps them:
integer nanoseconds.  Every duration inside gilsim is an ``int`` whose name ends in ``_ns``."""

from __future__ import annotations

import re

from gilsim.errors import ConfigurationError

# The longest duration gilsim takes: 2**62 ns, about 146 years, what a run without
# ``--max-time`` may last (``InterpreterState.limit_ns``), and well inside the 64-bit
# integers the tracer's C callbacks keep the clock in.
MAX_DURATION_NS = 1 << 62
SECONDS_PER_YEAR = 365.25 * 24 * 3600

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
    return _in_range(number * NS_PER_UNIT[unit], text)


def _seconds_to_ns(seconds: float, shown: str) -> int:
    if seconds < 0:
        raise ConfigurationError(f"a duration cannot be negative: {shown}")
    return _in_range(seconds * 1_000_000_000, shown)


def _in_range(duration_ns: float, shown: str) -> int:
    """``duration_ns`` rounded, or a ConfigurationError past what the clock counts."""
    if not duration_ns <= MAX_DURATION_NS:  # also NaN, and infinity (``1e400``)
        raise ConfigurationError(
            f"too long a duration: {shown!r} (gilsim's virtual clock counts up to "
            f"{_years(MAX_DURATION_NS)} years)"
        )
    return round(duration_ns)


def upper_bound(name: str, limit: int) -> str:
    """``limit`` as a message shows it: a duration (``name`` ends in ``_ns``) in years."""
    if name.endswith("_ns"):
        return f"{limit} ns (about {_years(limit)} years)"
    return f"{limit:,}"


def _years(duration_ns: int) -> str:
    return f"{duration_ns / NS_PER_UNIT['s'] / SECONDS_PER_YEAR:.0f}"


def format_ns(duration_ns: int) -> str:
    """Show a duration in the largest unit that keeps it readable: ``5.12 ms``."""
    for unit, size in (("s", 1_000_000_000), ("ms", 1_000_000), ("us", 1_000)):
        if abs(duration_ns) >= size:
            return f"{duration_ns / size:.3g} {unit}"
    return f"{duration_ns} ns"
