"""What a run is configured with: a frozen, validated value built once at the boundary
(``Config.from_cli_args`` or keyword arguments) and never changed afterwards."""

from __future__ import annotations

import attrs

from gilsim.errors import ConfigurationError
from gilsim.units import parse_duration_ns


def _positive(instance: object, attribute: attrs.Attribute, value: int | None) -> None:
    if value is not None and value <= 0:
        raise ConfigurationError(
            f"{attribute.name.removesuffix('_ns')} must be positive, got {value}"
        )


def _duration_or_none(value: object) -> int | None:
    if value is None:
        return None
    return parse_duration_ns(value)  # type: ignore[arg-type]


@attrs.frozen
class Config:
    """The configuration of one simulated run.

    ``max_time_ns`` bounds virtual time, ``max_instructions`` the number of bytecode
    instructions executed; ``None`` means unbounded.  ``seed`` feeds the one random generator
    of the simulation.
    """

    cores: int = attrs.field(default=1, validator=_positive)
    switch_interval_ns: int = attrs.field(
        default=5_000_000, converter=parse_duration_ns, validator=_positive
    )
    seed: int = 0
    max_time_ns: int | None = attrs.field(
        default=None, converter=_duration_or_none, validator=_positive
    )
    max_instructions: int | None = attrs.field(default=None, validator=_positive)
