"""System calls: the one door from a simulated process's code into the simulated kernel.

A system call is a function of the kernel's side, ``body(kernel, interp, thread, *args)``,
registered by name with ``@system_call``.  Its arguments and its result are *plain data*
(``None``, booleans, numbers, strings, bytes, and tuples, lists, dicts and frozensets of
them), and what it raises is an ``OSError`` of plain data, ``InterruptedCall`` or a
refusal (``UnsupportedError``; or the machine's own end of the run): nothing that names
an object of the calling process, a thread, a lock, a shadow, a closure.
A descriptor is its number, a semaphore its handle.  That is what lets a process whose
Python runs in another host process (a real ``fork``: issue 19) make the same call over a
socket, with the kernel in the first host process.

The program's side makes a call in one of the three ways CPython does:

- ``held``: with the GIL held throughout (``os_get_blocking_impl`` calls ``fcntl`` so);
- ``released``: between ``Py_BEGIN_ALLOW_THREADS`` and ``Py_END_ALLOW_THREADS``, once;
- ``restarting``: the same, and again after ``EINTR`` once the signal handlers ran
  (PEP 475: ``_Py_read``, ``select_select_impl``, ``os_waitpid_impl``...);

and ``at_once`` makes a call that neither sleeps nor spends time, for a process none of
whose threads runs (a finalizer the host runs after the run).

``PLAIN_DATA_CHECK`` (off by default; the tests turn it on) checks every call's arguments,
result and error at the door, so that a call passing an object fails at once.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Concatenate, ParamSpec, TypeVar, cast

from gilsim.interpreter import state
from gilsim.machine import OSThread
from gilsim.machine.remote import RemoteMachine
from gilsim.runtime import kernel
from gilsim.runtime.kernel import Kernel

P = ParamSpec("P")
T = TypeVar("T")

Body = Callable[Concatenate[Kernel, state.InterpreterState, OSThread, P], T]
# A call that neither sleeps nor spends time, made at once (by a finalizer, or after the run).
QuickBody = Callable[Concatenate[Kernel, P], T]

# Every system call, by name (``sys_call_table``).
TABLE: dict[str, Callable[..., Any]] = {}

# The calls made ``at_once`` (a ``QuickBody``), by name.
QUICK: set[str] = set()

PLAIN_DATA_CHECK = False


def system_call(body: Callable[P, T]) -> Callable[P, T]:
    """Register ``body`` as the system call of its name."""
    name = body.__name__
    if name in TABLE:
        raise ValueError(f"two system calls named {name!r}")
    TABLE[name] = body
    return body


def quick_call(body: Callable[P, T]) -> Callable[P, T]:
    """Register ``body`` as a system call made ``at_once`` (a ``QuickBody``)."""
    QUICK.add(body.__name__)
    return system_call(body)


def held(body: Body[P, T], *args: P.args, **kwargs: P.kwargs) -> T:
    """Make the call with the GIL held."""
    ts = state.current_thread()
    return _enter(body, ts.interp, ts.os_thread, args, kwargs)


def released(body: Body[P, T], *args: P.args, **kwargs: P.kwargs) -> T:
    """Make the call without the GIL (``Py_BEGIN_ALLOW_THREADS``), once: ``EINTR`` reaches
    the caller as ``InterruptedCall``."""
    with kernel.allow_threads() as (interp, thread):
        return _enter(body, interp, thread, args, kwargs)


def restarting(body: Body[P, T], *args: P.args, **kwargs: P.kwargs) -> T:
    """Make the call without the GIL, and again after each ``EINTR`` once the handlers ran
    (``kernel.restarting``)."""
    return kernel.restarting(lambda interp, thread: _enter(body, interp, thread, args, kwargs))


def at_once(
    interp: state.InterpreterState, body: QuickBody[P, T], *args: P.args, **kwargs: P.kwargs
) -> T:
    """Make a call that neither sleeps nor spends time for ``interp``, whether or not one
    of its threads runs (a finalizer run by the host after the run has none)."""
    machine = interp.machine
    if isinstance(machine, RemoteMachine):  # (a forked process: the kernel is elsewhere)
        return cast(T, machine.request("syscall", body.__name__, args, kwargs))
    return _checked(body, (kernel.kernel_of(interp),), args, kwargs)


def _enter(
    body: Body[P, T],
    interp: state.InterpreterState,
    thread: OSThread,
    args: tuple[Any, ...],
    kwargs: dict[str, Any],
) -> T:
    """The kernel's side of the call: here, or in the coordinator for a forked process
    (``gilsim.processes.hostfork``), which makes it with ``enter_by_name``."""
    machine = interp.machine
    if isinstance(machine, RemoteMachine):
        return cast(T, machine.request("syscall", body.__name__, args, kwargs))
    return _checked(body, (kernel.kernel_of(interp), interp, thread), args, kwargs)


def host_fds_in(fds: list[int]) -> list[int]:
    """``fds`` (a message's ``SCM_RIGHTS``) as the kernel names them.  A descriptor of
    the host is a number of the host process running the program: in a forked process
    (``gilsim.processes.hostfork``), those cross to the coordinator first, over the
    process's connection, and are named by the coordinator's numbers
    (``Kernel.handed_in``)."""
    machine = state.current_thread().interp.machine
    if not isinstance(machine, RemoteMachine):
        return fds
    at = [i for i, fd in enumerate(fds) if 0 <= fd < kernel.FIRST_FD and kernel.is_host_fd(fd)]
    if not at:
        return fds
    return _renamed(fds, at, machine.request("host_fds_in", len(at), fds=[fds[i] for i in at]))


def host_fds_out(fds: list[int]) -> list[int]:
    """``fds`` (installed by ``recvmsg``) as this process names them: in a forked process,
    descriptors of the host (below ``FIRST_FD``, numbered by the coordinator,
    ``Kernel.handed_out``) cross from the coordinator, and are this host process's own."""
    machine = state.current_thread().interp.machine
    if not isinstance(machine, RemoteMachine):
        return fds
    at = [i for i, fd in enumerate(fds) if fd < kernel.FIRST_FD]
    if not at:
        return fds
    numbers = machine.request("host_fds_out", [fds[i] for i in at], receive=len(at))
    return _renamed(fds, at, numbers)


def _renamed(fds: list[int], at: list[int], numbers: list[int]) -> list[int]:
    """``fds`` with the descriptors at the places ``at`` renumbered ``numbers``."""
    named = list(fds)
    for i, number in zip(at, numbers, strict=True):
        named[i] = number
    return named


def enter_by_name(
    name: str,
    interp: state.InterpreterState,
    thread: OSThread,
    args: tuple[Any, ...],
    kwargs: dict[str, Any],
) -> Any:
    """Make system call ``name`` for ``thread`` of ``interp``, a process whose Python runs
    in another host process."""
    body = TABLE[name]
    context: tuple[Any, ...] = (kernel.kernel_of(interp),)
    if name not in QUICK:
        context += (interp, thread)
    return _checked(body, context, args, kwargs)


def _checked(
    body: Callable[..., T], context: tuple[Any, ...], args: tuple[Any, ...], kwargs: dict[str, Any]
) -> T:
    """``body(*context, *args, **kwargs)``, its plain data checked if asked."""
    if not PLAIN_DATA_CHECK:
        return body(*context, *args, **kwargs)
    name = body.__name__
    if TABLE.get(name) is not body:
        raise TypeError(f"{body.__qualname__} is not a registered system call")
    if (name in QUICK) != (len(context) == 1):
        raise TypeError(f"{name} is made {'at once' if name in QUICK else 'by a thread'} only")
    check_plain(f"{name}'s arguments", (args, kwargs))
    try:
        result = body(*context, *args, **kwargs)
    except OSError as exc:
        check_plain(f"{name}'s error", exc.args)
        raise
    check_plain(f"{name}'s result", result)
    return result


_PLAIN = (type(None), bool, int, float, str, bytes)
_CONTAINERS = (tuple, list, frozenset)


def check_plain(what: str, value: Any) -> None:
    """Raise TypeError unless ``value`` is plain data."""
    if type(value) in _PLAIN:
        return
    if type(value) in _CONTAINERS:
        for item in value:
            check_plain(what, item)
        return
    if type(value) is dict:
        for key, item in value.items():
            check_plain(what, key)
            check_plain(what, item)
        return
    raise TypeError(f"{what} hold a {type(value).__qualname__}, which is not plain data")
