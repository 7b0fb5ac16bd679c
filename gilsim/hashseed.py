"""The hash seed of a run: ``--seed`` fixes the one string hashing uses, unless the user fixed
it with ``PYTHONHASHSEED``.

The simulated program's ``str`` and ``bytes`` objects are the host's, and so are their
hashes: the order in which a program iterates a set of strings, and so its threads' work and
the trace, depends on the host interpreter's hash secret.  CPython chooses that secret once,
at start-up, from ``PYTHONHASHSEED`` or from the operating system's random source
(``_Py_HashRandomization_Init`` in ``Python/bootstrap_hash.c``), and it cannot change while
the interpreter runs.  So the ``gilsim`` command, when the environment sets no
``PYTHONHASHSEED``, starts itself again (``os.execv``: the same process, the same pid) with
one derived from ``--seed`` (``fix``).  The started command removes the variable again
before the program runs (``hide``): a program run by CPython without ``PYTHONHASHSEED`` finds
none in ``os.environ``, and its ``sys.flags.hash_randomization`` is 1 either way, since the
derived seed is never 0.

Not done when the interpreter ignores the environment (``-E``, ``-I``): it would ignore the
seed too.  The Python API (``gilsim.run``) runs in the calling process, with its hash seed.
"""

from __future__ import annotations

import os
import subprocess
import sys

# Set (to the derived seed) in the environment of the command started again: it removes
# ``PYTHONHASHSEED`` before the program runs, and does not start itself once more.
MARKER = "GILSIM_HASHSEED"

# ``PYTHONHASHSEED`` takes 0 (no randomization) to 4294967295 (``Python/initconfig.c``).
_HASHSEED_MAX = 4_294_967_295


def hash_seed(seed: int) -> int:
    """The ``PYTHONHASHSEED`` of a run with ``--seed seed``: from 1 to 4294967295, never 0,
    which would turn randomization off (``sys.flags.hash_randomization``)."""
    return 1 + seed % _HASHSEED_MAX


# The commands that run a program.
RUNS = ("run", "races", "render", "explore")


def fix(seed: int, argv: list[str]) -> None:
    """Start the command again with ``argv`` (its arguments, without the program name) and
    the hash seed of ``seed``, unless the user set ``PYTHONHASHSEED``, this is the command
    started again with that seed, or the interpreter ignores the environment.  Returns only
    if it did not start the command again."""
    if sys.flags.ignore_environment:
        return
    value = str(hash_seed(seed))
    if MARKER in os.environ:
        if os.environ[MARKER] == value:
            return
    elif "PYTHONHASHSEED" in os.environ:
        return
    os.environ["PYTHONHASHSEED"] = value
    os.environ[MARKER] = value
    # The interpreter's own options (``-X dev``, ``-W``, ``-O``...) as ``multiprocessing``
    # passes them to a child it spawns.
    flags = subprocess._args_from_interpreter_flags()  # type: ignore[attr-defined]
    for stream in (sys.stdout, sys.stderr):
        if stream is not None:  # (``python -m gilsim ... >&-``)
            stream.flush()
    os.execv(sys.executable, [sys.executable, *flags, "-m", "gilsim", *argv])


def fix_early(argv: list[str]) -> None:
    """``fix`` before gilsim's modules are imported, which takes most of its start-up: with
    the ``--seed`` read from ``argv`` as the parser will most likely read it.  The command
    checks it once parsed (``fix`` again), and starts itself once more if it was wrong (a
    ``--seed`` among the program's own arguments, say)."""
    if MARKER in os.environ or not argv or argv[0] not in RUNS:
        return
    seed = 0
    for index, arg in enumerate(argv):
        if arg == "--seed" and index + 1 < len(argv):
            text = argv[index + 1]
        elif arg.startswith("--seed="):
            text = arg.partition("=")[2]
        else:
            continue
        try:
            seed = int(text)
        except ValueError:
            return  # the parser refuses it
        break
    fix(seed, argv)


def hide() -> None:
    """In the command started again by ``fix``: take ``PYTHONHASHSEED`` and the marker out
    of the environment, as the program would find it under CPython."""
    if os.environ.pop(MARKER, None) is not None:
        os.environ.pop("PYTHONHASHSEED", None)
