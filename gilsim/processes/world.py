"""Each process's share of the host's ``sys.modules``.

The program's own modules are imported by the host's import system
(``gilsim.interpreter.importer``), so they live in the host's ``sys.modules``, where an
``import`` in simulated code finds them.  Two processes have two copies of each (a fork child
has copies of its parent's), and an ``import`` must find its own process's.  So once there is
a second process, each interpreter has a ``World``: its program modules and its
``__main__``, put in place whenever the machine switches to one of its threads
(``InterpreterState.enter``), after taking out those of the process that ran before.

Simulated standard-library modules (``threading``...) need none of this: they are per
interpreter already (``InterpreterState.sim_modules``).
"""

from __future__ import annotations

import sys
import types

from gilsim.interpreter.importer import SimulatedLoader


class World:
    """The program modules of one process, by name.  ``machine_world`` is shared by every
    world of a machine: its one item is the world now in place."""

    def __init__(self, modules: dict[str, types.ModuleType], machine_world: list[World]) -> None:
        self.modules = modules
        self.machine_world = machine_world

    def enter(self) -> None:
        outgoing = self.machine_world[0]
        if outgoing is self:
            return
        modules = sys.modules
        for name, module in outgoing.modules.items():
            if modules.get(name) is module:
                del modules[name]
        modules.update(self.modules)
        self.machine_world[0] = self


def program_modules() -> dict[str, types.ModuleType]:
    """The program's modules in the host's ``sys.modules`` now, and its ``__main__``."""
    found = {
        name: module
        for name, module in sys.modules.items()
        if isinstance(getattr(module, "__loader__", None), SimulatedLoader)
    }
    found["__main__"] = sys.modules["__main__"]
    return found


def first_world() -> World:
    """The world of the first process, made when it forks for the first time."""
    machine_world: list[World] = []
    world = World(program_modules(), machine_world)
    machine_world.append(world)
    return world
