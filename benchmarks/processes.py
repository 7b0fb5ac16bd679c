"""How fast gilsim runs processes (host seconds, median of --runs; never a test).

- ``fork copy``: ``os.fork()`` of a parent holding N small objects (a dict of N lists), the
  cost of copying them for the child (``gilsim.processes.copying``), fork and waitpid;
- ``2 processes``: the same CPU-bound work in one process and split between two fork
  children, to show what running side by side costs the simulation (parallel mode);
- ``spawn``: start and join of an empty spawn child: a fresh interpreter that imports
  ``multiprocessing`` in the simulation and runs the main module again;
- ``pool``: ``Pool(2).map`` of 100 small tasks under fork.

    python benchmarks/processes.py [--runs 3] [--objects 100000] [--work 400000]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import textwrap
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))

import gilsim  # noqa: E402  (from this checkout)

PROGRAMS = {
    "fork copy": """
        import os
        data = {{i: [i, str(i)] for i in range({objects})}}
        pid = os.fork()
        if pid == 0:
            os._exit(0)
        os.waitpid(pid, 0)
    """,
    "1 process": """
        def work(n):
            total = 0
            for i in range(n):
                total += i * i
        work({work})
    """,
    "2 processes": """
        import os
        def work(n):
            total = 0
            for i in range(n):
                total += i * i
        pids = []
        for _ in range(2):
            pid = os.fork()
            if pid == 0:
                work({work} // 2)
                os._exit(0)
            pids.append(pid)
        for pid in pids:
            os.waitpid(pid, 0)
    """,
    "spawn": """
        import multiprocessing as mp
        def nothing():
            pass
        if __name__ == "__main__":
            p = mp.get_context("spawn").Process(target=nothing)
            p.start()
            p.join()
    """,
    "pool": """
        import multiprocessing as mp
        def square(x):
            return x * x
        if __name__ == "__main__":
            with mp.get_context("fork").Pool(2) as pool:
                pool.map(square, range(100))
    """,
}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--objects", type=int, default=100_000)
    parser.add_argument("--work", type=int, default=400_000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as directory:
        print(f"{'run':<14} {'host s':>8} {'virtual ms':>11}")
        for name, source in PROGRAMS.items():
            path = Path(directory) / f"{name.replace(' ', '_')}.py"
            path.write_text(textwrap.dedent(source.format(objects=args.objects, work=args.work)))
            seconds, virtual = [], 0
            for _ in range(args.runs):
                start = time.perf_counter()
                result = gilsim.run(path, argv=[str(path)])
                seconds.append(time.perf_counter() - start)
                assert result.exit_status == 0, result.stderr
                virtual = result.virtual_time_ns
            print(f"{name:<14} {statistics.median(seconds):8.3f} {virtual / 1e6:11.2f}")


if __name__ == "__main__":
    main()
