"""Time gilsim against native CPython on the kernels in benchmarks/kernels/.

Whole processes are timed, because that is what a user waits for: interpreter start-up, gilsim's
own imports and the simulated program all count. For each kernel, native and gilsim runs
alternate (so drift in machine load hits both alike) and medians of wall-clock time are
compared. gilsim's ``--json`` summary supplies the instruction count and the simulated
(virtual) duration, from which the table derives simulation speed and the cost-model
calibration ratio. Outputs of the two runs must be identical, or the kernel is flagged.

This is a measurement tool, not a test: it never asserts a target. It exits 1 only when a
kernel failed or its outputs differed. Only the standard library is used.

    python benchmarks/run.py [--runs 5] [--kernels loops,calls] [--size-scale 0.1] [--json OUT]
"""

from __future__ import annotations

import argparse
import ast
import json
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path

BENCH_DIR = Path(__file__).resolve().parent
KERNEL_DIR = BENCH_DIR / "kernels"
REPO_ROOT = BENCH_DIR.parent
SLOWDOWN_TARGET = 30.0
SLOWDOWN_AIM = 10.0
CALIBRATION_RANGE = (0.5, 2.0)


@dataclass
class Result:
    """Figures for one kernel; the derived ratios are None when a run failed."""

    kernel: str
    size: int | None
    native_runs_s: list[float] = field(default_factory=list)
    gilsim_runs_s: list[float] = field(default_factory=list)
    native_median_s: float | None = None
    gilsim_median_s: float | None = None
    slowdown: float | None = None
    instructions: int | None = None
    virtual_time_ns: int | None = None
    instructions_per_s: float | None = None
    calibration: float | None = None
    native_ns_per_instruction: float | None = None
    outputs_match: bool | None = None
    error: str | None = None


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=5, help="runs of each side (default 5)")
    parser.add_argument(
        "--kernels", help="comma-separated kernel names (default: every file in kernels/)"
    )
    parser.add_argument(
        "--size-scale",
        type=float,
        default=1.0,
        help="multiply each kernel's DEFAULT_SIZE (work is proportional to size; default 1)",
    )
    parser.add_argument("--json", metavar="OUT", help="also write the table as JSON to OUT")
    parser.add_argument(
        "--timeout", type=float, default=900.0, help="seconds allowed per process (default 900)"
    )
    parser.add_argument(
        "--gilsim-arg",
        action="append",
        default=[],
        metavar="ARG",
        help="extra option for 'gilsim run', placed before the script (repeatable)",
    )
    args = parser.parse_args(argv)
    if args.runs < 1:
        parser.error("--runs must be at least 1")
    if args.size_scale <= 0:
        parser.error("--size-scale must be positive")
    return args


def select_kernels(names: str | None) -> list[Path]:
    available = {path.stem: path for path in sorted(KERNEL_DIR.glob("*.py"))}
    if not names:
        return list(available.values())
    chosen = [name.strip() for name in names.split(",") if name.strip()]
    unknown = [name for name in chosen if name not in available]
    if unknown:
        sys.exit(f"unknown kernel(s): {', '.join(unknown)}; have {', '.join(available)}")
    return [available[name] for name in chosen]


def default_size(kernel: Path) -> int:
    """Read ``DEFAULT_SIZE = <int>`` from the kernel's source without running it."""
    for node in ast.parse(kernel.read_text()).body:
        if isinstance(node, ast.Assign) and any(
            isinstance(target, ast.Name) and target.id == "DEFAULT_SIZE" for target in node.targets
        ):
            return int(ast.literal_eval(node.value))
    raise ValueError(f"{kernel} has no DEFAULT_SIZE")


def kernel_size(kernel: Path, scale: float) -> int | None:
    """The size argument to pass, or None to let the kernel use its default."""
    if scale == 1.0:
        return None
    return max(1, round(default_size(kernel) * scale))


def child_env() -> dict[str, str]:
    """Same environment for both sides: fixed hash seed, gilsim importable from the repo."""
    env = dict(os.environ, PYTHONHASHSEED="0")
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(REPO_ROOT), env.get("PYTHONPATH")]))
    return env


def timed_run(command: list[str], timeout: float) -> tuple[float, subprocess.CompletedProcess]:
    start = time.perf_counter()
    completed = subprocess.run(
        command, capture_output=True, text=True, timeout=timeout, cwd=REPO_ROOT, env=child_env()
    )
    return time.perf_counter() - start, completed


def native_startup(runs: int, timeout: float) -> float:
    """Median wall time of ``python -c pass``: the part of every native run that is not the kernel."""
    return statistics.median(
        timed_run([sys.executable, "-c", "pass"], timeout)[0] for _ in range(max(runs, 5))
    )


def describe_failure(side: str, completed: subprocess.CompletedProcess) -> str:
    lines = completed.stderr.strip().splitlines()
    last = lines[-1] if lines else "no stderr"
    return f"{side} exited {completed.returncode}: {last}"


def read_summary(path: Path) -> dict:
    summary = json.loads(path.read_text())
    if summary.get("format") not in ("gilsim-run/1", "gilsim-run/2"):
        raise ValueError(f"unexpected summary format {summary.get('format')!r}")
    return summary


def measure(kernel: Path, args: argparse.Namespace, workdir: Path) -> Result:
    """Alternate native and gilsim runs of one kernel; a failure is recorded, not raised."""
    result = Result(kernel=kernel.stem, size=kernel_size(kernel, args.size_scale))
    try:
        run_alternately(kernel, args, workdir, result)
    except subprocess.TimeoutExpired as exc:
        result.error = f"timed out after {exc.timeout:g} s: {' '.join(exc.cmd[1:4])}"
    except (ValueError, KeyError, TypeError) as exc:
        result.error = f"bad gilsim summary: {exc!r}"
    return result


def run_alternately(kernel: Path, args: argparse.Namespace, workdir: Path, result: Result) -> None:
    size = result.size
    program = [str(kernel)] + ([str(size)] if size is not None else [])
    summary_path = workdir / f"{kernel.stem}.json"
    native_cmd = [sys.executable, *program]
    gilsim_cmd = [sys.executable, "-m", "gilsim", "run", "--json", str(summary_path)]
    gilsim_cmd += [*args.gilsim_arg, *program]  # gilsim's options go before the script
    summaries = []
    for _ in range(args.runs):
        native_s, native = timed_run(native_cmd, args.timeout)
        if native.returncode != 0:
            result.error = describe_failure("native", native)
            return
        summary_path.unlink(missing_ok=True)
        gilsim_s, simulated = timed_run(gilsim_cmd, args.timeout)
        if simulated.returncode != native.returncode:
            result.error = describe_failure("gilsim", simulated)
            return
        if not summary_path.exists():
            result.error = f"gilsim wrote no summary to {summary_path}"
            return
        result.native_runs_s.append(native_s)
        result.gilsim_runs_s.append(gilsim_s)
        summaries.append(read_summary(summary_path))
        result.outputs_match = result.outputs_match is not False and (
            simulated.stdout == native.stdout
        )
    derive_figures(result, summaries)


def derive_figures(result: Result, summaries: list[dict]) -> None:
    result.native_median_s = statistics.median(result.native_runs_s)
    result.gilsim_median_s = statistics.median(result.gilsim_runs_s)
    result.slowdown = result.gilsim_median_s / result.native_median_s
    result.instructions = int(statistics.median(s["instructions"] for s in summaries))
    result.virtual_time_ns = int(statistics.median(s["virtual_time_ns"] for s in summaries))
    result.instructions_per_s = result.instructions / result.gilsim_median_s
    result.calibration = result.virtual_time_ns / 1e9 / result.native_median_s
    result.native_ns_per_instruction = result.native_median_s * 1e9 / result.instructions


def fmt(value: float | None, spec: str, suffix: str = "") -> str:
    return "-" if value is None else format(value, spec) + suffix


COLUMNS = [  # heading, width, Result attribute, format spec, suffix
    ("native s", 9, "native_median_s", ".3f", ""),
    ("gilsim s", 9, "gilsim_median_s", ".3f", ""),
    ("slowdown", 9, "slowdown", ".1f", "x"),
    ("instr/s", 10, "instructions_per_s", ".3g", ""),
    ("virt/native", 11, "calibration", ".2f", ""),
    ("native ns/i", 11, "native_ns_per_instruction", ".2f", ""),
]


def format_table(results: list[Result]) -> str:
    header = f"{'kernel':<12}" + "".join(f" {h:>{w}}" for h, w, *_ in COLUMNS) + "  note"
    lines = [header, "-" * len(header)]
    for r in results:
        cells = "".join(
            f" {fmt(getattr(r, attr), spec, suffix):>{width}}"
            for _, width, attr, spec, suffix in COLUMNS
        )
        note = r.error or ("" if r.outputs_match else "OUTPUT DIFFERS")
        lines.append(f"{r.kernel:<12}{cells}  {note}".rstrip())
    return "\n".join(lines)


def summarize(results: list[Result], startup_s: float) -> dict:
    slowdowns = [r.slowdown for r in results if r.slowdown is not None]
    calibrations = [r.calibration for r in results if r.calibration is not None]
    low, high = CALIBRATION_RANGE
    return {
        "native_startup_s": startup_s,
        "median_slowdown": statistics.median(slowdowns) if slowdowns else None,
        "median_calibration": statistics.median(calibrations) if calibrations else None,
        "calibrated_kernels": sum(low <= c <= high for c in calibrations),
        "measured_kernels": len(slowdowns),
    }


def format_summary(summary: dict) -> str:
    low, high = CALIBRATION_RANGE
    return "\n".join(
        [
            f"native interpreter start-up (python -c pass): "
            f"{fmt(summary['native_startup_s'], '.3f', ' s')}, included in every native time",
            f"median slowdown: {fmt(summary['median_slowdown'], '.1f', 'x')} "
            f"(target <= {SLOWDOWN_TARGET:g}x, aim {SLOWDOWN_AIM:g}x)",
            f"median virtual/native: {fmt(summary['median_calibration'], '.2f')}; "
            f"{summary['calibrated_kernels']}/{summary['measured_kernels']} kernels "
            f"within {low:g}-{high:g}",
        ]
    )


def write_json(path: str, args: argparse.Namespace, results: list[Result], summary: dict) -> None:
    document = {
        "format": "gilsim-bench/1",
        "python": sys.version,
        "platform": platform.platform(),
        "runs": args.runs,
        "size_scale": args.size_scale,
        "gilsim_args": args.gilsim_arg,
        "kernels": [asdict(r) for r in results],
        **summary,
    }
    Path(path).write_text(json.dumps(document, indent=2) + "\n")


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    kernels = select_kernels(args.kernels)
    results = []
    startup_s = native_startup(args.runs, args.timeout)
    with tempfile.TemporaryDirectory(prefix="gilsim-bench-") as tmp:
        for kernel in kernels:
            print(f"running {kernel.stem} ({args.runs} runs each side)...", file=sys.stderr)
            results.append(measure(kernel, args, Path(tmp)))
    summary = summarize(results, startup_s)
    print(format_table(results))
    print()
    print(format_summary(summary))
    if args.json:
        write_json(args.json, args, results, summary)
    failed = any(r.error or not r.outputs_match for r in results)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
