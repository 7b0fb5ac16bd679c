"""What differs between the Python versions gilsim runs programs on, kept as data (design
principle 6, "Versions are data"): one module per version, each defining a ``Version``.

A ``Version`` says what one instruction costs (virtual ns, by the opname ``dis`` shows) and
where the eval loop of that version polls ``eval_breaker`` (``docs/model/gil.md`` §2.4 for 3.12,
§2.5 for 3.13): which ``RESUME`` checks, and which calls into C do not check after they
return because their specialised instruction has no check.  The tracer
(``gilsim.tracer``) reads nothing else about a version.

3.11 runs on gilsim's own bytecode interpreter (``gilsim.interpreter``), whose tables live
there until it is retired.
"""

from __future__ import annotations

import sys
from collections.abc import Mapping

import attrs

from gilsim.errors import UnsupportedError


@attrs.frozen
class Version:
    """The facts of one CPython version that the tracer needs.

    ``costs`` maps an opname to the virtual ns one execution of it costs (``"default"`` for
    the others).  ``resume_location_mask`` selects the location bits of ``RESUME``'s
    argument: 0 is a function's start, 1 a resumption after ``yield``, 2 after
    ``yield from``, 3 after ``await``, and only 0 and 1 check.  ``unchecked_calls`` names the
    builtins whose specialised call never polls ``eval_breaker`` (``len``, ``isinstance``,
    ``type`` with one argument, ``list.append`` with one), each with the number of arguments
    its specialisation takes.  ``init_call_checks`` says whether calling a class whose
    ``__init__`` is a Python function checks after the call returns (3.13 runs the
    ``__init__`` frame inline, ``CALL_ALLOC_AND_ENTER_INIT``, and checks only at its
    ``RESUME``).  ``c_recursion_limit`` is ``Py_C_RECURSION_LIMIT``, the C stack a new
    thread may use in recursion units (``tstate->c_recursion_remaining``): entering the eval
    loop from C takes two, a C function's own recursion check (``Py_EnterRecursiveCall``)
    one.  ``varargs_ns`` and ``varkeywords_ns``: what a call costs beyond its instructions
    when the function takes ``*args`` (a tuple made of the extra positional arguments) or
    ``**kwargs`` (a dict of the extra keyword arguments, made even when there are none).
    """

    name: str
    costs: Mapping[str, int]
    unchecked_calls: Mapping[str, int]
    init_call_checks: bool
    c_recursion_limit: int
    resume_location_mask: int = 3
    varargs_ns: int = 0
    varkeywords_ns: int = 0

    @property
    def info(self) -> tuple[int, int]:
        major, minor = self.name.split(".")
        return int(major), int(minor)


def _load() -> dict[str, Version]:
    from gilsim.versions import py312, py313

    return {version.name: version for version in (py312.VERSION, py313.VERSION)}


# Versions that run on the real interpreter (the tracer), by name.
VERSIONS = _load()
# The version gilsim's own bytecode interpreter runs.
INTERPRETED = "3.11"


# PEP 703's free-threaded build (3.13t, ``--gil free-threaded``): the same instructions,
# each dearer by its single-thread cost, in thousandths.  The PEP measured 6% on Intel
# Skylake and 5% on AMD Zen 3 with one thread (pyperformance 1.0.6; 8% and 7% with several,
# where refcount and lock contention adds to it: ``docs/model/gil.md`` §5.3).  6%: the machine of
# §8 is an AMD EPYC of an unstated generation, so neither figure is its own, and 6% is the
# middle of the PEP's single-thread range; the extra of several threads is contention on
# shared objects, which would need the biased counts of every object
# (``gilsim.interpreter.biased`` keeps only the watched ones'), not a flat rate.
FREE_THREADED_TAX_PERMILLE = 60

# What gilsim runs on its own interpreter (3.11) and not yet on the host's (3.12, 3.13), by
# name, as a user asks for it: refused there with one clear message
# (``gilsim.hostprogram.refuse_unsupported``); the tests of each run on 3.11 only until it
# runs on the host's interpreter too (``tests/conftest.py``).
NOT_YET_TRACED = {
    # (``os.fork`` runs on the host's, and a new Python program's start: multiprocessing's
    # start methods run, ``gilsim.processes.hostfork`` and ``hostspawn``.)
    "processes": ("processes' start-up and copy-on-write figures"),
}


def host_name() -> str:
    """The host's version, as ``3.12``."""
    return f"{sys.version_info.major}.{sys.version_info.minor}"


def traced() -> bool:
    """Whether the host runs programs on its own interpreter, under the tracer."""
    return host_name() in VERSIONS


def default_checkpoints() -> str:
    """The version whose check points a run has unless told otherwise: the host's."""
    return host_name() if traced() else INTERPRETED


def host() -> Version:
    """The facts of the host's version; refused with a clear message if gilsim does not
    support it."""
    name = host_name()
    version = VERSIONS.get(name)
    if version is None:
        supported = ", ".join([INTERPRETED, *VERSIONS])
        raise UnsupportedError(
            f"gilsim runs programs on the Python it is installed in, and Python {name} is "
            f"not supported (supported: {supported})"
        )
    return version


__all__ = [
    "INTERPRETED",
    "NOT_YET_TRACED",
    "default_checkpoints",
    "VERSIONS",
    "Version",
    "host",
    "host_name",
    "traced",
]
