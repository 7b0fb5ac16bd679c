"""Does the invariant checker find the bug?  Tiny hand-written traces, each breaking one rule
of ``gilsim.testing.invariants``, must be rejected with that rule's name; the legal trace
they start from, and real runs, must pass."""

from __future__ import annotations

import copy
from typing import Any

import attrs
import pytest

import gilsim
from gilsim.testing import InvariantViolation, check_invariants, check_trace

A, B = 1, 2
INTERVAL_NS = 5_000_000


def state(t: int, thread: int, name: str, core: int | None = None, wait: str | None = None):
    what = {"gil": "the GIL", "sleep": "time.sleep(0.01)", None: None}[wait]
    return {"time_ns": t, "event": "thread_state", "thread": thread, "state": name,
            "core": core, "wait": wait, "what": what}  # fmt: skip


def take(t: int, thread: int, switch: bool = True) -> dict[str, Any]:
    return {"time_ns": t, "event": "gil_take", "thread": thread, "switch": switch}


def drop(t: int, thread: int, forced: bool = False) -> dict[str, Any]:
    return {"time_ns": t, "event": "gil_drop", "thread": thread, "forced": forced}


def ran(t: int, thread: int, start: int, core: int = 0) -> dict[str, Any]:
    return {"time_ns": t, "event": "ran", "thread": thread, "core": core, "start_ns": start}


def request(t: int, thread: int, holder: int) -> dict[str, Any]:
    return {"time_ns": t, "event": "drop_request", "thread": thread, "holder": holder}


def legal() -> list[dict[str, Any]]:
    """Two cores.  A computes holding the GIL; B waits for it a whole interval, asks, and A
    drops on request (FORCE_SWITCHING), B runs, sleeps, A takes it back and ends."""
    t = INTERVAL_NS
    return [
        state(0, A, "running", 0),
        take(0, A),
        state(0, B, "running", 1),
        state(0, B, "blocked", 1, "gil"),
        state(t, B, "waking", None, "gil"),
        state(t + 10, B, "running", 1),
        request(t + 10, B, A),
        state(t + 10, B, "blocked", 1, "gil"),
        ran(t + 20, A, 0),
        drop(t + 20, A, forced=True),
        state(t + 20, B, "waking", None, "gil"),
        state(t + 20, A, "blocked", 0, "gil"),
        state(t + 30, B, "running", 1),
        take(t + 30, B),
        state(t + 30, A, "waking", None, "gil"),
        ran(t + 40, B, t + 30, core=1),
        drop(t + 40, B),
        state(t + 40, B, "blocked", 1, "sleep"),
        state(t + 50, A, "running", 0),
        take(t + 50, A),
        ran(t + 60, A, t + 50),
        drop(t + 60, A),
        state(t + 60, A, "exited", 0),
    ]


def check(trace: list[dict[str, Any]]) -> None:
    check_trace(trace, cores=2, interval_ns=INTERVAL_NS)


def test_the_legal_trace_passes() -> None:
    check(legal())


def broken(index: int, **changes: Any) -> list[dict[str, Any]]:
    trace = copy.deepcopy(legal())
    trace[index].update(changes)
    return trace


@pytest.mark.parametrize(
    ("rule", "trace"),
    [
        ("clock", broken(8, time_ns=10)),
        ("clock", broken(8, start_ns=INTERVAL_NS + 30)),
        ("one holder", [*legal()[:3], take(1, B)]),
        ("one holder", [*legal()[:3], drop(1, B)]),
        ("switch", broken(13, switch=False)),
        ("on a core", [*legal()[:4], take(1, B)]),
        ("bytecode under the GIL", broken(15, start_ns=INTERVAL_NS + 25)),
        ("bytecode under the GIL", broken(15, core=0)),
        ("drop request", broken(4, time_ns=10)),
        ("drop request", broken(6, holder=B)),
        ("forced drop", broken(21, forced=True)),
        ("thread states", broken(12, state="exited")),
        ("thread states", broken(17, wait=None)),
        ("cores", broken(2, core=0)),
        ("cores", broken(2, core=2)),
        ("work conserving", [state(0, A, "running", 0), state(0, B, "runnable")]),
    ],
)
def test_a_broken_rule_is_found(rule: str, trace: list[dict[str, Any]]) -> None:
    with pytest.raises(InvariantViolation, match=f"^{rule}: "):
        check(trace)


def test_a_force_switching_dropper_may_not_take_first() -> None:
    trace = legal()[:12] + [
        state(INTERVAL_NS + 25, A, "waking", None, "gil"),
        state(INTERVAL_NS + 26, A, "running", 0),
        take(INTERVAL_NS + 26, A, switch=False),
    ]
    with pytest.raises(InvariantViolation, match="^FORCE_SWITCHING: "):
        check(trace)


def test_a_real_run_passes_and_a_tampered_summary_does_not() -> None:
    source = "import threading, time\nt = threading.Thread(target=time.sleep, args=(0.001,))\n"
    source += "t.start()\nsum(range(10000))\nt.join()\n"
    config = gilsim.Config(trace=True, switch_interval_ns="100us")
    result = gilsim.run(source=source, config=config)
    check_invariants(result, config)
    summary = copy.deepcopy(result.summary)
    summary["threads"][0]["cpu_ns"] += 1
    with pytest.raises(InvariantViolation, match="^accounts: "):
        check_invariants(attrs.evolve(result, summary=summary), config)
    summary = copy.deepcopy(result.summary)
    summary["gil"]["switches"] += 1
    with pytest.raises(InvariantViolation, match="^accounts: "):
        check_invariants(attrs.evolve(result, summary=summary))
