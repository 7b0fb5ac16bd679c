"""What a run is configured with: a frozen, validated value built once at the boundary
(``Config.from_cli_args`` or keyword arguments) and never changed afterwards."""

from __future__ import annotations

import attrs

from gilsim import versions
from gilsim.errors import ConfigurationError
from gilsim.gil import KINDS, WAKE_POLICIES
from gilsim.interpreter.checkpoints import VERSIONS
from gilsim.machine import MachineSpec, spec_for
from gilsim.units import MAX_DURATION_NS, parse_duration_ns, upper_bound

# The most cores a simulated machine has: each is an object and a queue of the OS model,
# made up front; beyond this a run would spend its memory on the machine.
MAX_CORES = 1024
# The most instructions a run may be bounded to: the counters the tracer's C callbacks keep
# are 64-bit integers.
MAX_INSTRUCTIONS = 1 << 62


def _positive(instance: object, attribute: attrs.Attribute, value: int | None) -> None:
    if value is not None and value <= 0:
        raise ConfigurationError(
            f"{attribute.name.removesuffix('_ns')} must be positive, got {value}"
        )
    limit = _LIMITS.get(attribute.name)
    if value is not None and limit is not None and value > limit:
        raise ConfigurationError(
            f"{attribute.name.removesuffix('_ns')} can be at most {upper_bound(attribute.name, limit)}, "
            f"got {value}"
        )


_LIMITS = {
    "cores": MAX_CORES,
    "max_instructions": MAX_INSTRUCTIONS,
    "switch_interval_ns": MAX_DURATION_NS,
    "max_time_ns": MAX_DURATION_NS,
}


def _known_machine(instance: object, attribute: attrs.Attribute, value: str) -> None:
    spec_for(value)


def _known_policy(instance: object, attribute: attrs.Attribute, value: str) -> None:
    if value not in WAKE_POLICIES:
        raise ConfigurationError(
            f"unknown GIL wake policy {value!r}; choose one of {', '.join(WAKE_POLICIES)}"
        )


def _known_gil(instance: object, attribute: attrs.Attribute, value: str) -> None:
    if value not in KINDS:
        raise ConfigurationError(f"unknown GIL {value!r}; choose one of {', '.join(KINDS)}")


# Every version whose check points a run can have (``--checkpoints``).
CHECKPOINT_VERSIONS = (*VERSIONS, *versions.VERSIONS)


def _known_checkpoints(instance: object, attribute: attrs.Attribute, value: str) -> None:
    if value not in CHECKPOINT_VERSIONS:
        raise ConfigurationError(
            f"no check points of Python {value!r}; choose one of {', '.join(CHECKPOINT_VERSIONS)}"
        )


def _valid_schedule(instance: object, attribute: attrs.Attribute, value: str | None) -> None:
    if value is not None:
        from gilsim.schedules.schedule import Schedule

        Schedule.parse(value)


def _names(value: object) -> tuple[str, ...]:
    """A name, or names, to watch (``"x"`` is one name, not three letters)."""
    return (value,) if isinstance(value, str) else tuple(value)  # type: ignore[arg-type]


def _watchable(instance: object, attribute: attrs.Attribute, value: tuple[str, ...]) -> None:
    from gilsim.interpreter.refcounts import valid_name

    for name in value:
        problem = valid_name(name)
        if problem is not None:
            raise ConfigurationError(problem)


def _duration(value: object) -> int:
    """A duration as the user writes it (``"5ms"``, ``"0.005"``), or an ``int`` of ns."""
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    if isinstance(value, float):
        raise ConfigurationError(
            f'give durations as text ("{value}s", "5ms") or as an int of nanoseconds, '
            f"not the float {value}"
        )
    return parse_duration_ns(value)  # type: ignore[arg-type]


def _duration_or_none(value: object) -> int | None:
    return None if value is None else _duration(value)


@attrs.frozen
class Config:
    """The configuration of one simulated run.

    ``machine`` names a preset (``gilsim.machine.PRESETS``) and ``cores`` overrides its
    number of cores.  ``max_time_ns`` bounds virtual time, ``max_instructions`` the number of
    bytecode instructions executed; ``None`` means unbounded.  ``seed`` feeds the one random
    generator of the simulation.  ``wake_policy`` is how a GIL release picks the waiter it
    wakes (``"random"``: the OS picks; ``"fifo"``).  ``gil`` is the lock threads run under
    (``gilsim.gil.KINDS``: ``"new"``, the 3.2-3.13 GIL, or ``"old"``, the GIL up to 3.1);
    ``checkpoints`` the Python version
    whose eval-breaker check points the eval loop has (``gilsim.interpreter.checkpoints``;
    by default the host's).
    ``trace`` records
    every scheduling event.  ``refcounts`` names globals of the main module whose objects'
    reference counts are watched (``gilsim.interpreter.refcounts``).  ``schedule`` replays a schedule found by exploration.
    """

    cores: int | None = attrs.field(default=None, validator=_positive)
    machine: str = attrs.field(default="vm2", validator=_known_machine)
    switch_interval_ns: int = attrs.field(
        default=5_000_000, converter=_duration, validator=_positive
    )
    seed: int = 0
    max_time_ns: int | None = attrs.field(
        default=None, converter=_duration_or_none, validator=_positive
    )
    max_instructions: int | None = attrs.field(default=None, validator=_positive)
    wake_policy: str = attrs.field(default="random", validator=_known_policy)
    gil: str = attrs.field(default="new", validator=_known_gil)
    checkpoints: str = attrs.field(
        factory=versions.default_checkpoints, validator=_known_checkpoints
    )
    trace: bool = False
    # Record the program's accesses to shared variables and report races (``gilsim.races``).
    races: bool = False
    refcounts: tuple[str, ...] = attrs.field(default=(), converter=_names, validator=_watchable)
    # A schedule to replay (``gilsim.schedules.schedule``: ``"12:T1,40:T0"``), as
    # ``gilsim explore`` prints it; None runs without watching the switch points.
    schedule: str | None = attrs.field(default=None, validator=_valid_schedule)

    def __attrs_post_init__(self) -> None:
        if not KINDS[self.gil].has_switch_points and (self.races or self.schedule is not None):
            # Both watch the GIL's switch points (``gilsim.gil.watch``); there are none.
            what = "--races" if self.races else "--schedule"
            raise ConfigurationError(
                f"{what} watches where the GIL can change hands; --gil {self.gil} has no "
                f"GIL (use --gil new)"
            )

    def machine_spec(self) -> MachineSpec:
        """The simulated machine: the preset, with ``cores`` if given."""
        return spec_for(self.machine, self.cores)
