"""How fast gilsim explores schedules: runs per second, and what partial-order reduction saves.

For each race example, an exhaustive search at --bound (default 2), with and without
reduction, in this process (median of --runs searches each), and one search on a process pool
of --workers; then a larger search (a counter updated through a call, at --bound + 1).  Reports schedules explored, outcomes, wall seconds and schedules per second.
Without reduction the search is capped at --cap schedules (it says so when it hit the cap).
A measurement, never a test.

    python benchmarks/explore.py [--runs 3] [--bound 2] [--workers 2] [--cap 20000]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
sys.path.insert(0, str(REPO))

import gilsim  # noqa: E402  (from this checkout)

EXAMPLES = ["bank_transfer", "bank_transfer_locked", "check_then_act", "lazy_init"]

# A larger search: two threads doing three ``counter = f(counter)`` each, at bound + 1.
COUNTER = """
import threading
counter = 0
def f(x):
    return x + 1
def work():
    global counter
    for _ in range(3):
        counter = f(counter)
threads = [threading.Thread(target=work) for _ in range(2)]
for t in threads:
    t.start()
for t in threads:
    t.join()
print(counter)
"""


def search(program: Path | str, runs: int, **options: object) -> tuple[float, object]:
    """Median wall seconds of ``runs`` searches of ``program`` (a path, or source text),
    and the last search's result."""
    walls, found = [], None
    where = {"path": program} if isinstance(program, Path) else {"source": program}
    for _ in range(runs):
        started = time.perf_counter()
        found = gilsim.explore(**where, **options)  # type: ignore[arg-type]
        walls.append(time.perf_counter() - started)
    return statistics.median(walls), found


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--bound", type=int, default=2)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--cap", type=int, default=20_000)
    args = parser.parse_args()
    print(
        f"{'example':<22} {'search':<14} {'schedules':>9} {'outcomes':>8} {'wall s':>8} "
        f"{'schedules/s':>11}"
    )
    cases: list[tuple[str, Path | str, int]] = [
        (name, REPO / "examples" / f"{name}.py", args.bound) for name in EXAMPLES
    ]
    cases.append((f"counter, bound {args.bound + 1}", COUNTER, args.bound + 1))
    for name, program, bound in cases:
        variants = [
            ("reduced", args.runs, {}),
            (f"{args.workers} workers", 1, {"workers": args.workers}),
            ("no reduction", 1, {"reduce": False, "max_schedules": args.cap}),
        ]
        for label, runs, options in variants:
            wall, found = search(program, runs, bound=bound, **options)
            note = "" if found.complete else "  (stopped at the cap)"  # type: ignore[attr-defined]
            explored = found.explored  # type: ignore[attr-defined]
            outcomes = len(found.outcomes)  # type: ignore[attr-defined]
            print(
                f"{name:<22} {label:<14} {explored:>9} {outcomes:>8} {wall:>8.2f} "
                f"{explored / wall:>11.0f}{note}"
            )


if __name__ == "__main__":
    main()
