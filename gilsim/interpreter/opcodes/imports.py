"""Imports.  Resolution, ``sys.modules`` and error messages are the host's own import system
(``importlib._bootstrap``, which CPython runs too); a finder installed by gilsim hands the
program's own modules to a loader that executes them inside the simulation
(``gilsim.interpreter.importer``)."""

from __future__ import annotations

import sys
from typing import Any

from gilsim.interpreter.frame import Frame
from gilsim.interpreter.opcodes import handles


@handles
def IMPORT_NAME(frame: Frame, arg: str) -> None:
    from gilsim.interpreter import importer

    stack = frame.stack
    fromlist = stack.pop()
    level = stack.pop()
    stack.append(importer.import_name(frame, arg, fromlist, level))


@handles
def IMPORT_FROM(frame: Frame, arg: str) -> None:
    """``import_from`` in ``Python/ceval.c`` (3.11), messages included."""
    module = frame.stack[-1]
    try:
        frame.stack.append(getattr(module, arg))
        return
    except AttributeError:
        pass
    package = getattr(module, "__name__", None)
    if isinstance(package, str):
        full = f"{package}.{arg}"
        # The program's copies of simulated standard-library modules are the interpreter's
        # own ``sys.modules`` (a circular ``from . import context`` finds it there).
        own = frame.thread.interp.sim_modules
        if full in own:
            frame.stack.append(own[full])
            return
        if full in sys.modules:
            frame.stack.append(sys.modules[full])
            return
    else:
        package = None
    origin = getattr(module, "__file__", None)
    shown = package if package is not None else "<unknown module name>"
    spec = getattr(module, "__spec__", None)
    initializing = bool(spec is not None and getattr(spec, "_initializing", False))
    if initializing:
        message = (
            f"cannot import name '{arg}' from partially initialized module '{shown}' "
            f"(most likely due to a circular import) ({origin if origin else 'unknown location'})"
        )
    elif origin is None:
        message = f"cannot import name '{arg}' from '{shown}' (unknown location)"
    else:
        message = f"cannot import name '{arg}' from '{shown}' ({origin})"
    raise ImportError(message, name=package, path=origin)


@handles
def IMPORT_STAR(frame: Frame, arg: Any) -> None:
    module = frame.stack.pop()
    namespace = frame.locals
    if namespace is None:
        raise SystemError("no locals found during 'import *'")
    try:
        names = module.__all__
        skip_private = False
    except AttributeError:
        try:
            names = list(module.__dict__)
        except AttributeError:
            raise ImportError("from-import-* object has no __dict__ and no __all__") from None
        skip_private = True
    for name in names:
        if not isinstance(name, str):
            kind = "Item in __all__" if not skip_private else "Key in __dict__"
            raise TypeError(f"{kind} of {module.__name__} must be str, not {type(name).__name__}")
        if skip_private and name.startswith("_"):
            continue
        namespace[name] = getattr(module, name)
