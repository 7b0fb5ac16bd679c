"""How much threads cost gilsim itself: host time per simulated instruction.

Three runs of ``gilsim run`` (whole processes, median of --runs each):

* ``one thread``: one thread counts down WORK iterations on a 4-core machine;
* ``4 threads on 4 cores``: four threads share the same countdown;
* ``beside 1000 sleepers``: one thread counts down WORK while 1,000 threads wake up every
  50 ms of virtual time and sleep again.

Targets (issue 3): the second within 20% of the first in simulated instructions per second;
the third at most twice the cost per instruction of the first.  A measurement, never a test.

    python benchmarks/threads.py [--runs 3] [--work 3000000]
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent


def measure(kernel: str, args: list[str], runs: int) -> tuple[float, int]:
    """Median wall seconds of the simulated run and its instruction count."""
    walls, instructions = [], 0
    env = dict(os.environ, PYTHONPATH=str(REPO))
    for _ in range(runs):
        with tempfile.TemporaryDirectory() as tmp:
            summary = Path(tmp) / "run.json"
            command = [
                sys.executable,
                "-m",
                "gilsim",
                "run",
                "--cores",
                "4",
                "--json",
                str(summary),
                str(HERE / "threads" / kernel),
                *args,
            ]
            subprocess.run(command, check=True, env=env, capture_output=True)
            data = json.loads(summary.read_text())
        walls.append(data["wall_time_s"])
        instructions = data["instructions"]
    return statistics.median(walls), instructions


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--work", type=int, default=3_000_000)
    args = parser.parse_args()
    work = str(args.work)
    rows = {
        "one thread": measure("cpu_threads.py", [work, "1"], args.runs),
        "4 threads on 4 cores": measure("cpu_threads.py", [work, "4"], args.runs),
        "beside 1000 sleepers": measure("sleepers.py", [work, "1000", "0.05"], args.runs),
    }
    base_wall, base_count = rows["one thread"]
    base = base_wall / base_count
    print(f"{'run':<24} {'wall s':>8} {'instructions':>13} {'ns/instr':>9} {'vs one thread':>14}")
    for name, (wall, count) in rows.items():
        per = wall / count
        print(f"{name:<24} {wall:8.2f} {count:13,d} {per * 1e9:9.1f} {per / base:13.2f}x")


if __name__ == "__main__":
    main()
