"""Where code comes from: the library (the standard library, installed packages, gilsim
itself) or the program.  Reports name the innermost frame of the program's own code (a
lock is "made at worker.py:12", not inside ``threading.py``)."""

from __future__ import annotations

import functools
import os
import sysconfig


def _library_dirs() -> list[str]:
    paths = sysconfig.get_paths()
    dirs = {paths[key] for key in ("stdlib", "platstdlib", "purelib", "platlib") if key in paths}
    dirs.add(os.path.dirname(os.__file__))
    dirs.add(os.path.dirname(os.path.abspath(__file__)))  # gilsim itself
    return sorted(os.path.realpath(d) for d in dirs)


LIBRARY_DIRS = _library_dirs()


@functools.lru_cache(maxsize=4096)
def is_library(path: str) -> bool:
    """Whether the code of file ``path`` is the library's, not the program's.  Code with no
    file (``<frozen importlib._bootstrap>``, ``<string>`` from ``exec``) counts as the
    library's only when it is frozen."""
    if path.startswith("<frozen "):
        return True
    real = os.path.realpath(path)
    return any(real == d or real.startswith(d + os.sep) for d in LIBRARY_DIRS)
