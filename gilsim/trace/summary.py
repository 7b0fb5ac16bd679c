"""The run summary (``gilsim run --json``) and the trace file (``--trace``).

The summary's format is versioned (``SUMMARY_FORMAT``) and documented in
``docs/command-line.md``.  Durations are integer nanoseconds.
"""

from __future__ import annotations

import json
from typing import Any

from gilsim.interpreter import state
from gilsim.runtime.deadlock import thread_name

SUMMARY_FORMAT = "gilsim-run/2"

# Wait kinds that are the GIL; every other wait kind counts as blocked.
_GIL_KINDS = frozenset({"gil"})
_NOT_BLOCKED = frozenset({"running", "runnable", "new", "exited", "gil"})


def run_summary(interp: state.InterpreterState) -> dict[str, Any]:
    """Per thread, per core and GIL figures of a finished run (the machine settled)."""
    machine, gil = interp.machine, interp.gil
    elapsed = max(interp.clock_ns, machine.elapsed_ns())
    threads = []
    for thread in machine.threads:
        times = thread.times
        threads.append(
            {
                "ident": thread.ident,
                "pid": thread.payload.interp.process.pid,
                "name": thread_name(thread.payload.interp, thread),
                "cpu_ns": times.get("running", 0),
                "gil_wait_ns": sum(times.get(kind, 0) for kind in _GIL_KINDS),
                "blocked_ns": sum(t for k, t in times.items() if k not in _NOT_BLOCKED),
                "runnable_ns": times.get("runnable", 0),
                "instructions": thread.payload.instructions,
            }
        )
    cores = [
        {
            "core": index,
            "busy_ns": busy,
            "utilisation": round(busy / elapsed, 4) if elapsed else 0.0,
        }
        for index, busy in enumerate(machine.busy_ns)
    ]
    spec = machine.spec
    return {
        "machine": {
            "cores": spec.cores,
            "tick_ns": spec.tick_ns,
            "wake_median_ns": spec.wake_median_ns,
            "timer_slack_ns": spec.timer_slack_ns,
            "context_switch_ns": spec.context_switch_ns,
        },
        "switch_interval_ns": gil.interval_us * 1000,
        "virtual_time_ns": elapsed,
        "threads": threads,
        "gil": {
            "kind": gil.kind,
            "switches": gil.switch_number,
            "forced_switches": gil.forced,
            "voluntary_releases": gil.voluntary,
            "drop_requests": gil.drop_requests,
        },
        "cores": cores,
        "processes": [
            {
                "pid": process.pid,
                "ppid": process.parent.pid if process.parent is not None else process.ppid,
                "exit_code": process.exit_code,
                "instructions": process.interp.instructions,
                **_copy_on_write(process.interp.pages),
            }
            for process in machine.process_table.processes
        ],
        **({"refcounts": interp.refcounts.summary()} if interp.refcounts is not None else {}),
    }


def _copy_on_write(pages: Any) -> dict[str, int]:
    """A fork child's pages shared with its parent at fork, those it copied, and the time
    their faults took (``gilsim.processes.pages``); nothing for another process."""
    if pages is None:
        return {}
    return {
        "pages_shared": pages.shared_pages,
        "pages_copied": pages.copied_pages(),
        "copy_on_write_ns": pages.copy_on_write_ns(),
    }


def write_trace(path: str, trace: list[dict[str, Any]]) -> None:
    """Every scheduling event, one JSON object per line, in the order they happened."""
    with open(path, "w", encoding="utf-8") as handle:
        for event in trace:
            handle.write(json.dumps(event, separators=(",", ":")))
            handle.write("\n")
