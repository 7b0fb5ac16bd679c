"""Modules gilsim simulates at the C boundary (design principle 2): what CPython implements in
C and where time passes or the GIL is taken.  Each is a *shadow* of the host module: the
simulated program imports it instead of the host's, and every attribute the shadow does not
replace is the host module's own."""

from __future__ import annotations

import types
from typing import Any


class ShadowModule(types.ModuleType):
    """A module whose missing attributes are read from ``host``, and whose attributes named
    in ``forward`` are written through to ``host`` too (``sys.stdout = ...`` must reach the
    real ``sys``, where native code such as ``print`` looks for it)."""

    def __new__(cls, host: Any, *args: Any, **kwargs: Any) -> Any:
        # ``type(sys)`` is this class, and a program makes modules with it (``runpy``:
        # ``ModuleType = type(sys)``; ``ModuleType(name)``): that is a plain module.
        if isinstance(host, str):
            return types.ModuleType(host, *args, **kwargs)
        return super().__new__(cls)

    def __init__(self, host: types.ModuleType, overrides: dict[str, Any], forward: frozenset[str]):
        super().__init__(host.__name__, host.__doc__)
        object.__setattr__(self, "_host", host)
        object.__setattr__(self, "_forward", forward)
        for name, value in overrides.items():
            object.__setattr__(self, name, value)

    def __getattr__(self, name: str) -> Any:
        return getattr(object.__getattribute__(self, "_host"), name)

    def __setattr__(self, name: str, value: Any) -> None:
        if name in object.__getattribute__(self, "_forward") or name not in self.__dict__:
            setattr(object.__getattribute__(self, "_host"), name, value)
            return
        object.__setattr__(self, name, value)

    def __delattr__(self, name: str) -> None:
        if name in self.__dict__:
            object.__delattr__(self, name)
        else:
            delattr(object.__getattribute__(self, "_host"), name)

    def __dir__(self) -> list[str]:
        return sorted(set(dir(object.__getattribute__(self, "_host"))) | set(self.__dict__))
