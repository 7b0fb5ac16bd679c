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
    real ``sys``, where native code such as ``print`` looks for it).

    ``type(sys)`` is this class, and a program takes it for ``ModuleType``: ``runpy`` makes
    modules with it (``ModuleType = type(sys)``; ``ModuleType(name)``), and ``test_descr``
    subclasses it.  So a module made from this class (or gilsim's ``SysModule``) with a name
    rather than a host is a plain module; one made from a program's subclass is an instance
    of it without a ``_host``, for which every method below is ``ModuleType``'s."""

    # gilsim's own classes of shadows, not a program's subclass of one.
    shadow_class = True

    def __new__(cls, host: Any, *args: Any, **kwargs: Any) -> Any:
        if not isinstance(host, str):
            return super().__new__(cls)
        if vars(cls).get("shadow_class", False):  # ``type(sys)`` itself
            return types.ModuleType(host, *args, **kwargs)
        return types.ModuleType.__new__(cls)

    def __init__(
        self, host: Any, overrides: Any = None, forward: frozenset[str] = frozenset()
    ) -> None:
        if isinstance(host, str):
            types.ModuleType.__init__(self, host, overrides)  # ``ModuleType(name, doc)``
            return
        super().__init__(host.__name__, host.__doc__)
        object.__setattr__(self, "_host", host)
        object.__setattr__(self, "_forward", forward)
        for name, value in overrides.items():
            object.__setattr__(self, name, value)

    def __getattr__(self, name: str) -> Any:
        host = _host_of(self)
        if host is None:
            module_name = types.ModuleType.__getattribute__(self, "__name__")
            raise AttributeError(f"module {module_name!r} has no attribute {name!r}")
        return getattr(host, name)

    def __setattr__(self, name: str, value: Any) -> None:
        host = _host_of(self)
        if host is None:
            types.ModuleType.__setattr__(self, name, value)
        elif name in object.__getattribute__(self, "_forward") or name not in self.__dict__:
            setattr(host, name, value)
        else:
            object.__setattr__(self, name, value)

    def __delattr__(self, name: str) -> None:
        host = _host_of(self)
        if host is None or name in self.__dict__:
            types.ModuleType.__delattr__(self, name)
        else:
            delattr(host, name)

    def __dir__(self) -> list[str]:
        host = _host_of(self)
        if host is None:
            return list(types.ModuleType.__dir__(self))
        return sorted(set(dir(host)) | set(self.__dict__))


def _host_of(module: ShadowModule) -> Any:
    """The host module a shadow reads from; None for a plain module (see ``ShadowModule``)."""
    try:
        return object.__getattribute__(module, "_host")
    except AttributeError:
        return None


# As CPython names ``type(sys)``: a message that names the type of a module (``json``'s "Object
# of type module is not JSON serializable") names it so.
ShadowModule.__name__ = ShadowModule.__qualname__ = "module"
