"""How fast gilsim draws a long run: a 10-second run of 8 threads (virtual time).

Four threads are CPU-bound (each copy of a 500 kB buffer, ``bytes(BUFFER)``, holds the
GIL for 0.5 ms of virtual time: a native call, so the host does it in microseconds) and
four do I/O-like rounds (a 1 ms sleep, then a copy of 50 kB), so the GIL changes hands thousands of times and
the I/O threads queue behind the CPU-bound ones.  The run is simulated once (its time is
reported, not counted); then each step of drawing it is timed, median of --runs:
the timeline (lanes), the schedule graph, the timeline's DOT, the timeline drawn as SVG and
as PNG by Graphviz, the schedule graph's picture drawn as SVG, and the Perfetto file.
A measurement, never a test.

    python benchmarks/render.py [--runs 3] [--seconds 10] [--threads 8]
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))

import gilsim  # noqa: E402  (from this checkout)
from gilsim.analysis import schedule_graph, timeline_of  # noqa: E402
from gilsim.render import picture, render_bytes  # noqa: E402
from gilsim.render.perfetto import write_perfetto  # noqa: E402

PROGRAM = """
import threading, time
SECONDS = {seconds}
BUFFER = bytes(500_000)

def cpu():
    while time.perf_counter() < SECONDS:
        bytes(BUFFER)

def io():
    while time.perf_counter() < SECONDS:
        time.sleep(0.001)
        bytes(BUFFER[:50_000])

threads = [threading.Thread(target=cpu if n % 2 else io) for n in range({threads})]
for t in threads:
    t.start()
for t in threads:
    t.join()
print("done")
"""


def timed(step: Callable[[], Any], runs: int) -> tuple[float, Any]:
    walls, value = [], None
    for _ in range(runs):
        started = time.perf_counter()
        value = step()
        walls.append(time.perf_counter() - started)
    return statistics.median(walls), value


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--seconds", type=float, default=10.0)
    parser.add_argument("--threads", type=int, default=8)
    args = parser.parse_args()
    source = PROGRAM.format(seconds=args.seconds, threads=args.threads)
    started = time.perf_counter()
    result = gilsim.run(source=source, trace=True)
    simulated = time.perf_counter() - started
    trace = result.trace
    assert trace is not None and result.exit_status == 0, result.stderr
    timeline = timeline_of(trace)
    print(
        f"run: {args.threads} threads, {result.virtual_time_ns / 1e9:.2f} s virtual, "
        f"{len(trace):,} trace events, {len(timeline.handoffs):,} GIL hand-offs; "
        f"simulated in {simulated:.1f} s (not counted below)"
    )
    with tempfile.TemporaryDirectory() as scratch:
        steps: list[tuple[str, Callable[[], Any]]] = [
            ("timeline (lanes)", lambda: timeline_of(trace)),
            ("schedule graph", lambda: schedule_graph(trace)),
            ("timeline DOT", lambda: picture(trace).source),
            ("timeline SVG (neato -n2)", lambda: render_bytes(picture(trace), "svg")),
            ("timeline PNG (neato -n2)", lambda: render_bytes(picture(trace), "png")),
            ("graph SVG (dot)", lambda: render_bytes(picture(trace, kind="graph"), "svg")),
            (
                "Perfetto JSON",
                lambda: write_perfetto(os.path.join(scratch, "run.json"), trace),
            ),
        ]
        print(f"{'step':28} {'median s':>9}  size")
        for name, step in steps:
            seconds, value = timed(step, args.runs)
            if isinstance(value, bytes | str):
                size = f"{len(value) / 1e3:,.0f} kB"
            elif hasattr(value, "number_of_nodes"):
                size = f"{value.number_of_nodes():,} nodes"
            elif name.startswith("Perfetto"):
                size = f"{os.path.getsize(os.path.join(scratch, 'run.json')) / 1e6:,.1f} MB"
            else:
                size = ""
            print(f"{name:28} {seconds:9.2f}  {size}")


if __name__ == "__main__":
    main()
