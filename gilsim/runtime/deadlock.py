"""The deadlock report: every live thread of the program, what it waits for, who holds it,
and where in the program it stopped."""

from __future__ import annotations

from typing import Any

from gilsim.interpreter import state
from gilsim.machine.threads import EXITED, OSThread
from gilsim.paths import is_library
from gilsim.runtime.threadmodule import lock


class HeldAcrossFork:
    """The holder of a lock in a fork child that a thread of the parent held when it forked:
    a thread the child does not have, so nobody will ever release the lock."""

    def __init__(self, name: str) -> None:
        self.name = name


def thread_name(interp: state.InterpreterState, thread: OSThread) -> str:
    """The name ``threading`` gave the thread, else the OS thread's own.  Read from the
    ``Thread`` object's ``_name`` attribute, not its ``name`` property: a property would run
    simulated code, and this is called outside the simulation."""
    name = getattr(thread.owner, "__dict__", {}).get("_name")
    if isinstance(name, str):
        return name
    threading = interp.program_module("threading")
    active = getattr(threading, "_active", None) if threading is not None else None
    if isinstance(active, dict) and thread.ident in active:
        name = getattr(active[thread.ident], "__dict__", {}).get("_name")
        if isinstance(name, str):
            return name
    return thread.name


def _where(ts: Any) -> str:
    """The innermost frame of the program's own code (not of the standard library), else
    the innermost frame."""
    frames = list(ts.interp.frames(ts))
    for filename, line, name in [*(f for f in frames if not is_library(f[0])), *frames[:1]]:
        return f'File "{filename}", line {line}, in {name}'
    return ""


def _waits_for(interp: state.InterpreterState, thread: OSThread) -> str:
    wait = thread.wait
    if wait is None:
        return thread.state
    obj = wait.obj
    if isinstance(obj, lock):
        owner = obj._owner
        if obj._sentinel_of is not None:
            return f"the end of {thread_name(interp, obj._sentinel_of)} (join)"
        if owner is thread:
            return "a notification (Condition.wait, Event.wait, a queue) that never comes"
        if isinstance(owner, HeldAcrossFork):
            return (
                f"{wait.what}, held by thread {owner.name} of the parent when it forked "
                "(a fork child has only the thread that called fork(), so nobody will "
                "release it)"
            )
        if owner is not None:
            return f"{wait.what}, held by {thread_name(interp, owner)}"
    return wait.what


def deadlock_report(interp: state.InterpreterState) -> str:
    lines = ["deadlock: every thread waits for something that no thread will ever do"]
    several = interp.machine.processes > 1
    for thread in interp.machine.threads:
        if thread.state == EXITED:
            continue
        own = thread.payload.interp  # the thread's own process's interpreter
        who = thread_name(own, thread)
        if several:
            who += f" of process {own.process.pid}"
        lines.append(f"  {who} waits for {_waits_for(own, thread)}")
        where = _where(thread.payload)
        if where:
            lines.append(f"    {where}")
    if any(
        t.state != EXITED and t.wait is not None and t.wait.what.startswith("room in the pipe")
        for t in interp.machine.threads
    ):
        lines.append(
            "  (a pipe holds 64 KiB: what is written past that waits for a reader; a process "
            "that put more into a multiprocessing.Queue cannot end before someone reads it, "
            "so joining it first waits for ever)"
        )
    return "\n".join(lines)
