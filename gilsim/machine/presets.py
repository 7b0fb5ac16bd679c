"""Named machines.  ``vm2`` is the 2-vCPU Linux VM on which ``docs/model/gil.md`` §8 was measured:
a 4 ms scheduler tick (``CONFIG_HZ=250``), cross-thread wake-ups of 7-30 us, timed waits that
end 80-160 us late (timer slack and wake-up)."""

from __future__ import annotations

import attrs

from gilsim.errors import ConfigurationError
from gilsim.machine.threads import MachineSpec

PRESETS: dict[str, MachineSpec] = {
    "vm2": MachineSpec(cores=2),
    "laptop": MachineSpec(cores=8, tick_ns=4_000_000),
    # A server kernel with CONFIG_HZ=1000 and faster wake-ups.
    "server": MachineSpec(cores=32, tick_ns=1_000_000, wake_median_ns=10_000),
    "single": MachineSpec(cores=1),
}


def spec_for(name: str, cores: int | None = None) -> MachineSpec:
    """The preset ``name``, with ``cores`` overriding its number of cores."""
    try:
        spec = PRESETS[name]
    except KeyError:
        raise ConfigurationError(
            f"unknown machine {name!r}; choose one of {', '.join(sorted(PRESETS))}"
        ) from None
    return spec if cores is None else attrs.evolve(spec, cores=cores)
