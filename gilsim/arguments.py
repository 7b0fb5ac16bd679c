"""How gilsim's commands read their options (``argparse``): every bad value is refused with
one line that names the option, the value and what the option takes, and a long option is
never taken from an abbreviation of it (``--core 2`` is not ``--cores 2``).

``Parser`` is the commands' parser; the functions below are the ``type=`` of its options:
argparse puts ``argument --cores:`` before what they raise.
"""

from __future__ import annotations

import argparse
from collections.abc import Callable
from typing import Any, NoReturn

from gilsim.errors import ConfigurationError
from gilsim.units import parse_duration_ns


class Parser(argparse.ArgumentParser):
    """``argparse.ArgumentParser``, without abbreviations, whose errors are one line:
    ``gilsim: argument --cores: 'two' is not a whole number (from 1 to 1,024)``, with where to
    read the rest (argparse prints its whole usage block and then the error)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("allow_abbrev", False)
        super().__init__(*args, **kwargs)

    def error(self, message: str) -> NoReturn:
        self.exit(2, f"gilsim: {message} (see `{self.prog} --help`)\n")


def whole_number(low: int | None = None, high: int | None = None) -> Callable[[str], int]:
    """A ``type=`` for an integer option from ``low`` up to ``high`` (either open)."""
    if low is not None and high is not None:
        accepted = f" (from {low:,} to {high:,})"
    elif low is not None:
        accepted = f" ({low:,} or more)"
    else:
        accepted = ""

    def value(text: str) -> int:
        try:
            number = int(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"{text!r} is not a whole number{accepted}") from None
        if (low is not None and number < low) or (high is not None and number > high):
            raise argparse.ArgumentTypeError(f"{text!r} is out of range{accepted}")
        return number

    value.__name__ = "whole number"
    return value


def duration(text: str) -> str:
    """A ``type=`` for a duration option (``5ms``, ``200us``, ``0.005``): checked here, kept
    as the user wrote it for ``Config``, which reads it again."""
    try:
        duration_ns = parse_duration_ns(text)
    except ConfigurationError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None
    if duration_ns <= 0:
        raise argparse.ArgumentTypeError(f"{text!r} is no time at all (at least 1 ns)")
    return text
