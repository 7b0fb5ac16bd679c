"""Each process's share of the host's ``sys.modules``.

The program's own modules are imported by the host's import system
(``gilsim.interpreter.importer``), so they live in the host's ``sys.modules``, where an
``import`` in simulated code finds them.  Two processes have two copies of each (a fork child
has copies of its parent's), and an ``import`` must find its own process's.  So once there is
a second process, each interpreter has a ``World``: its program modules and its
``__main__``, put in place whenever the machine switches to one of its threads
(``InterpreterState.enter``), after taking out those of the process that ran before.

The standard streams are per process too: native code (``print``) writes to the host's
``sys.stdout``, and a process may replace or close its own (``multiprocessing`` closes a
child's ``sys.stdin`` and opens ``os.devnull`` instead).  A fork child starts with its
parent's streams behind an ``InheritedStream``: the same open file, which it may close for
itself only, as a child closing its copy of a descriptor leaves the parent's open.

Simulated standard-library modules (``threading``...) need none of this: they are per
interpreter already (``InterpreterState.sim_modules``).
"""

from __future__ import annotations

import sys
import types
from typing import Any

from gilsim.interpreter.importer import SimulatedLoader


class World:
    """The program modules of one process, by name, and its share of the host's ``sys``:
    standard streams, ``argv`` and ``path`` (``HostState``).  ``machine_world`` is shared
    by every world of a machine: its one item is the world now in place."""

    def __init__(
        self,
        modules: dict[str, types.ModuleType],
        machine_world: list[World],
        host: HostState | None = None,
    ) -> None:
        self.modules = modules
        self.machine_world = machine_world
        self.host = host if host is not None else HostState.now()

    def enter(self) -> None:
        outgoing = self.machine_world[0]
        if outgoing is self:
            return
        modules = sys.modules
        for name, module in outgoing.modules.items():
            if modules.get(name) is module:
                del modules[name]
        modules.update(self.modules)
        outgoing.host = HostState.now()
        self.host.put()
        self.machine_world[0] = self

    def inherited(self) -> HostState:
        """What a child process starts with: this process's streams, inherited, and copies
        of its ``argv`` and ``path`` (``HostState.now`` must be this world's)."""
        now = HostState.now()
        streams = tuple(InheritedStream(s) if s is not None else None for s in now.streams)
        return HostState(streams, list(now.argv), list(now.path))  # type: ignore[arg-type]


class HostState:
    """What of the host's ``sys`` each process has its own of."""

    def __init__(self, streams: tuple[Any, Any, Any], argv: list[str], path: list[str]) -> None:
        self.streams = streams
        self.argv = argv
        self.path = path

    @staticmethod
    def now() -> HostState:
        return HostState((sys.stdin, sys.stdout, sys.stderr), sys.argv, sys.path)

    def put(self) -> None:
        sys.stdin, sys.stdout, sys.stderr = self.streams
        sys.argv = self.argv
        sys.path = self.path


class InheritedStream:
    """A standard stream a fork child shares with its parent: everything goes to the
    parent's stream object, but ``close`` closes it for the child alone."""

    def __init__(self, stream: Any) -> None:
        object.__setattr__(self, "_stream", stream)
        object.__setattr__(self, "_closed", False)

    def __getattr__(self, name: str) -> Any:
        if object.__getattribute__(self, "_closed") and name in ("write", "read", "readline"):
            raise ValueError("I/O operation on closed file.")
        return getattr(object.__getattribute__(self, "_stream"), name)

    def __setattr__(self, name: str, value: Any) -> None:
        setattr(object.__getattribute__(self, "_stream"), name, value)

    @property
    def closed(self) -> bool:
        return bool(object.__getattribute__(self, "_closed") or self._stream.closed)

    def close(self) -> None:
        object.__setattr__(self, "_closed", True)

    def __iter__(self) -> Any:
        return iter(object.__getattribute__(self, "_stream"))

    def __enter__(self) -> InheritedStream:
        return self

    def __exit__(self, *exc: Any) -> None:
        self.close()


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
