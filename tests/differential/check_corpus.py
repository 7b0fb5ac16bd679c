"""Validate the differential corpus against real CPython only (no gilsim involved).

Runs every program twice with different PYTHONHASHSEED values and checks that
stdout, stderr and the exit status are identical, that each run is fast, and
that no output contains a memory address.  Usage:

    python tests/differential/check_corpus.py [NAME_SUBSTRING ...]
"""

from __future__ import annotations

import re
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from test_differential import (  # noqa: E402
    PROGRAMS_DIR,
    command_cpython,
    discover_programs,
    make_env,
    program_stdin,
)

MAX_SECONDS = 0.5
ADDRESS_RE = re.compile(rb"0x[0-9a-fA-F]{9,}|id=\d{9,}")


def run_once(prog: Path, seed: str) -> tuple[bytes, bytes, int, float]:
    env = make_env()
    env["PYTHONHASHSEED"] = seed
    start = time.perf_counter()
    proc = subprocess.run(
        command_cpython(prog),
        cwd=PROGRAMS_DIR,
        env=env,
        input=program_stdin(prog),
        capture_output=True,
        timeout=60,
    )
    return proc.stdout, proc.stderr, proc.returncode, time.perf_counter() - start


def main(filters: list[str]) -> int:
    failures = 0
    progs = [p for p in discover_programs() if not filters or any(f in p.name for f in filters)]
    for prog in progs:
        a = run_once(prog, "0")
        b = run_once(prog, "4242")
        problems = []
        if a[:3] != b[:3]:
            problems.append("output differs between PYTHONHASHSEED=0 and 4242")
        slowest = max(a[3], b[3])
        if slowest > MAX_SECONDS:
            problems.append(f"too slow: {slowest:.2f}s")
        if ADDRESS_RE.search(a[0] + a[1]):
            problems.append("output contains something that looks like a memory address")
        status = "FAIL" if problems else "ok"
        print(f"{status:4} {prog.stem:36} rc={a[2]:<4} {slowest:5.2f}s {'; '.join(problems)}")
        failures += bool(problems)
    print(f"{len(progs)} programs checked, {failures} problem(s)")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
