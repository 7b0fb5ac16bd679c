"""Run a chosen set of CPython's own regression tests (the host version's ``Lib/test``)
natively and under ``gilsim run``, and report how many of the natively passing tests pass
under gilsim.

    python benchmarks/libtest.py                       # every module of MODULES
    python benchmarks/libtest.py --modules test_grammar,test_threading --json out.json

Each module runs in a fresh working directory, as ``python -m test`` runs it, with the same
driver both ways (``libtest_driver.py``: ``unittest``, one JSON line per test as it ends).
Run it with the interpreter gilsim is installed in (``.venv3.13/bin/python``): the native
run and ``python -m gilsim run`` both use it, so both run that version's tests.

A gilsim run that stops before its module's end does not lose the rest of the module: the
test that was running is counted as what stopped it, and the module runs again without the
tests that have an outcome already.  What can stop a run:

* **needs processes**: the test started a process (``subprocess``, ``os.fork``,
  ``multiprocessing``), which gilsim refuses on 3.12 and 3.13 for now, stopping the run;
* **hung**: no test ended for ``--test-timeout`` seconds of wall time, or the run went past
  ``--max-time`` of virtual time, or gilsim found every thread waiting for ever;
* **crashed**: gilsim stopped with an internal error or a traceback of its own.

The figure is computed over the natively passing tests (passed, or failed as expected):
how many of them pass under gilsim, both over all of them and over those that do not need
processes.  This is a measurement tool, not a test: it exits 0 whatever the figures.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path

BENCH_DIR = Path(__file__).resolve().parent
DRIVER = BENCH_DIR / "libtest_driver.py"
REPO_ROOT = BENCH_DIR.parent

# The modules run, and why.  Language and object model first (what runs as CPython's own
# bytecode under the tracer: frames, generators, coroutines, exceptions and tracebacks), then
# the builtin types and the pure-Python standard library, then what meets the C boundary
# gilsim shadows (threads, locks, queues, time, select, asyncio's event loop, sys, atexit).
MODULES = (
    # the language: the tracer must leave CPython's semantics alone
    "test_grammar",
    "test_exceptions",
    "test_raise",
    "test_exception_group",
    "test_except_star",
    "test_traceback",
    "test_generators",
    "test_coroutines",
    "test_contextlib",
    "test_contextlib_async",
    "test_with",
    "test_scope",
    "test_class",
    "test_descr",
    "test_super",
    "test_call",
    "test_patma",
    "test_iter",
    "test_dataclasses",
    # builtin types and pure-Python modules: many calls into C, each a check point
    "test_builtin",
    "test_dict",
    "test_list",
    "test_set",
    "test_int",
    "test_float",
    "test_math",
    "test_str",
    "test_itertools",
    "test_functools",
    "test_collections",
    "test_enum",
    "test_typing",
    "test_string",
    "test_json",
    "test_weakref",
    # the C boundary gilsim shadows: threads, locks, time, select, sys, atexit
    "test_threading",
    "test_threading_local",
    "test_thread",
    "test_queue",
    "test_sched",
    "test_concurrent_futures.test_thread_pool",
    "test_concurrent_futures.test_future",
    "test_asyncio.test_tasks",
    "test_asyncio.test_locks",
    "test_asyncio.test_queues",
    "test_asyncio.test_futures",
    "test_asyncio.test_taskgroups",
    "test_asyncio.test_timeouts",
    "test_context",
    "test_time",
    "test_select",
    "test_logging",
    "test_sys",
    "test_atexit",
)

# Modules left out, and why (documented in benchmarks/README.md).
LEFT_OUT = {
    "test_subprocess, test_multiprocessing_*, test_concurrent_futures.test_process_pool, "
    "test_fork1, test_wait3, test_wait4, test_os, test_signal": "start processes as a whole "
    "(or send real signals between them), which gilsim refuses on 3.12 and 3.13 for now",
    "test_sys_settrace, test_sys_setprofile, test_monitoring, test_bdb, test_pdb": "trace or "
    "monitor the interpreter, which is gilsim's tracer's own job: sys.settrace and "
    "sys.setprofile are refused (docs/host-interpreter.md, Differences from CPython)",
}

# How much of a reason a report keeps.
REASON_LINES = 4


@dataclass
class RunLog:
    """What one run of the driver logged: each test's outcome and reason, the test that was
    running when it stopped (if it stopped), and whether it reached the end."""

    outcomes: dict[str, str] = field(default_factory=dict)
    reasons: dict[str, str] = field(default_factory=dict)
    running: str | None = None
    done: bool = False


@dataclass
class ModuleReport:
    module: str
    native_passing: int = 0
    native_s: float = 0.0
    gilsim_s: float = 0.0
    gilsim_runs: int = 0
    passing: list[str] = field(default_factory=list)
    failing: dict[str, str] = field(default_factory=dict)
    needs_processes: dict[str, str] = field(default_factory=dict)
    refused: dict[str, str] = field(default_factory=dict)
    crashed: dict[str, str] = field(default_factory=dict)
    hung: dict[str, str] = field(default_factory=dict)
    not_run: list[str] = field(default_factory=list)
    native_error: str = ""


def read_log(path: Path) -> RunLog:
    log = RunLog()
    if not path.exists():
        return log
    for line in path.read_text(encoding="utf-8", errors="replace").splitlines():
        try:
            entry = json.loads(line)
        except json.JSONDecodeError:
            continue  # a line cut short by a kill
        if "start" in entry:
            log.running = entry["start"]
        elif "test" in entry:
            log.outcomes[entry["test"]] = entry["outcome"]
            log.reasons[entry["test"]] = entry.get("reason", "")
            log.running = None
        elif entry.get("done"):
            log.done = True
    return log


def run_watched(
    command: list[str], cwd: Path, log: Path, options: argparse.Namespace
) -> tuple[int | None, str]:
    """Run ``command`` in ``cwd``; kill it (its whole process group) once ``log`` has not
    grown for ``--test-timeout`` seconds of the process's CPU time, or for ``--wall-timeout``
    seconds of wall time.  Its exit status (None if killed) and stderr.

    CPU time (of every process of the run's session), because on a loaded machine a process
    may wait minutes for a core or for the disk without being hung; wall time still bounds
    one that waits for ever, using none."""
    stderr_path = cwd / "stderr.txt"
    with open(stderr_path, "wb") as stderr, open(cwd / "stdout.txt", "ab") as stdout:
        process = subprocess.Popen(
            command, cwd=cwd, stdout=stdout, stderr=stderr, stdin=subprocess.DEVNULL,
            start_new_session=True,
        )  # fmt: skip
        size, progress, progress_cpu = -1, time.monotonic(), 0.0
        while process.poll() is None:
            time.sleep(0.5)
            now_size = log.stat().st_size if log.exists() else 0
            cpu = cpu_seconds(process.pid)
            if now_size != size:
                size, progress, progress_cpu = now_size, time.monotonic(), cpu
            elif (
                cpu - progress_cpu > options.test_timeout
                or time.monotonic() - progress > options.wall_timeout
            ):
                os.killpg(process.pid, 9)
                process.wait()
                return None, stderr_path.read_text(errors="replace")
    return process.returncode, stderr_path.read_text(errors="replace")


def cpu_seconds(session: int) -> float:
    """The CPU time (user and system) the processes of ``session`` use now, the processes
    a test started included, from ``/proc``; wall time where there is no ``/proc``."""
    if not os.path.isdir("/proc/self"):
        return time.monotonic()
    total = 0
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            fields = Path(f"/proc/{entry}/stat").read_text().rpartition(")")[2].split()
        except OSError:
            continue  # gone meanwhile
        # proc(5), counted from the state (field 3): session 6, utime 14, stime 15.
        if int(fields[3]) == session:
            total += int(fields[11]) + int(fields[12])
    return total / os.sysconf("SC_CLK_TCK")


def gilsim_message(stderr: str) -> str:
    """What gilsim said when it stopped: from its first ``gilsim:`` line on, or the end of
    a traceback of its own."""
    lines = stderr.rstrip().splitlines()
    for index, line in enumerate(lines):
        if line.startswith("gilsim: "):
            return "\n".join(lines[index : index + REASON_LINES + 4])
    return "\n".join(lines[-REASON_LINES - 4 :])


def stop_kind(status: int | None, message: str) -> str:
    """What stopped a gilsim run before its module's end (see the module's docstring)."""
    if status is None or "--max-time" in message or "gilsim: deadlock" in message:
        return "hung"
    if "starts a process" in message:
        return "needs_processes"
    if "is not supported by gilsim" in message:
        return "refused"
    return "crashed"


def run_native(module: str, options: argparse.Namespace) -> tuple[RunLog, float, str]:
    """Run ``module`` natively: its log, the time it took, and what stopped it if something
    did.  A test that stops the native run (a process it starts that never ends) has no
    outcome, so does not count; the run goes on without it, as a gilsim run does."""
    started = time.monotonic()
    work = Path(tempfile.mkdtemp(prefix="libtest-native-"))
    combined, errors = RunLog(), []
    excluded = work / "exclude.txt"
    for attempt in range(options.max_restarts + 1):
        log = work / f"log{attempt}.jsonl"
        excluded.write_text("".join(f"{t}\n" for t in combined.outcomes))
        command = [
            options.python, str(DRIVER), module, "--log", str(log),
            "--exclude", str(excluded), "--use", options.use,
        ]  # fmt: skip
        status, stderr = run_watched(command, work, log, options)
        result = read_log(log)
        combined.outcomes.update(result.outcomes)
        if result.done:
            break
        culprit = result.running or f"{module} (outside a test)"
        errors.append(f"{culprit} stopped the native run (status {status})")
        if result.running is None:
            break
        combined.outcomes[culprit] = "stopped"
    if not options.keep:
        shutil.rmtree(work, ignore_errors=True)
    return combined, time.monotonic() - started, "\n".join(errors)


def run_gilsim(
    module: str, report: ModuleReport, options: argparse.Namespace, never: set[str]
) -> RunLog:
    """Run ``module`` under gilsim until every test but ``never`` (those that stopped the
    native run) has an outcome or a stop; the stops go into ``report``."""
    work = Path(tempfile.mkdtemp(prefix="libtest-gilsim-"))
    combined = RunLog()
    excluded = work / "exclude.txt"
    started = time.monotonic()
    for _attempt in range(options.max_restarts + 1):
        log = work / f"log{report.gilsim_runs}.jsonl"
        done = (*never, *combined.outcomes, *stopped(report))
        excluded.write_text("".join(f"{t}\n" for t in done))
        command = [
            options.python, "-m", "gilsim", "run", "--max-time", options.max_time,
            *options.gilsim_arg, str(DRIVER), module, "--log", str(log),
            "--exclude", str(excluded), "--use", options.use,
        ]  # fmt: skip
        status, stderr = run_watched(command, work, log, options)
        report.gilsim_runs += 1
        result = read_log(log)
        combined.outcomes.update(result.outcomes)
        combined.reasons.update(result.reasons)
        if result.done:
            combined.done = True
            break
        message = gilsim_message(stderr)
        kind = stop_kind(status, message)
        if status is None:
            message = "no test ended in --test-timeout or --wall-timeout (killed)\n" + message
        culprit = result.running
        if culprit is None:
            # Stopped outside any test (loading the module, a class or module fixture):
            # what is left is not run.
            getattr(report, kind)[f"{module} (outside a test)"] = message
            break
        getattr(report, kind)[culprit] = message
    report.gilsim_s = time.monotonic() - started
    if not options.keep:
        shutil.rmtree(work, ignore_errors=True)
    return combined


def stopped(report: ModuleReport) -> list[str]:
    return [*report.needs_processes, *report.refused, *report.crashed, *report.hung]


def compare(module: str, options: argparse.Namespace) -> ModuleReport:
    report = ModuleReport(module)
    native, report.native_s, report.native_error = run_native(module, options)
    passing = [t for t, o in native.outcomes.items() if o in ("pass", "xfail")]
    report.native_passing = len(passing)
    if not passing:
        return report
    never = {t for t, o in native.outcomes.items() if o == "stopped"}
    simulated = run_gilsim(module, report, options, never)
    for test in passing:
        outcome = simulated.outcomes.get(test)
        if outcome in ("pass", "xfail"):
            report.passing.append(test)
        elif outcome is not None:
            reason = simulated.reasons.get(test, "")
            report.failing[test] = f"{outcome}: " + "\n".join(
                reason.strip().splitlines()[-REASON_LINES:]
            )
        elif test not in stopped(report):
            report.not_run.append(test)
    # A stop counts against the natively passing tests only.
    for kind in ("needs_processes", "refused", "crashed", "hung"):
        stops = getattr(report, kind)
        for test in list(stops):
            if test not in passing and "(outside a test)" not in test:
                del stops[test]
    return report


def percent(part: int, whole: int) -> str:
    return f"{100 * part / whole:.1f}%" if whole else "-"


COLUMNS = ("native", "passing", "failing", "processes", "refused", "crashed", "hung", "not_run")


def row_of(r: ModuleReport) -> tuple[int, ...]:
    """A module's figures, in the order of ``COLUMNS``."""
    return (
        r.native_passing, len(r.passing), len(r.failing), len(r.needs_processes),
        len(r.refused), len(r.crashed), len(r.hung), len(r.not_run),
    )  # fmt: skip


def totals_of(reports: list[ModuleReport]) -> dict[str, int]:
    totals = dict.fromkeys(COLUMNS, 0)
    for r in reports:
        for key, value in zip(COLUMNS, row_of(r), strict=True):
            totals[key] += value
    return totals


def print_report(reports: list[ModuleReport]) -> dict[str, int]:
    header = (
        f"{'module':44} {'native':>6} {'gilsim':>6} {'fail':>5} {'procs':>5} {'refus':>5} "
        f"{'crash':>5} {'hung':>4} {'not run':>7}  {'native s':>8} {'gilsim s':>8}"
    )
    print(header)
    print("-" * len(header))
    for r in reports:
        cells = " ".join(
            f"{v:{w}}" for v, w in zip(row_of(r), (6, 6, 5, 5, 5, 5, 4, 7), strict=True)
        )
        print(f"{r.module:44} {cells}  {r.native_s:8.1f} {r.gilsim_s:8.1f}")
    print("-" * len(header))
    totals = totals_of(reports)
    cells = " ".join(
        f"{totals[k]:{w}}" for k, w in zip(COLUMNS, (6, 6, 5, 5, 5, 5, 4, 7), strict=True)
    )
    print(f"{'total':44} {cells}")
    without = totals["native"] - totals["processes"]
    print(
        f"\nPython {sys.version.split()[0]}: {totals['passing']} of the {totals['native']} natively "
        f"passing tests pass under gilsim ({percent(totals['passing'], totals['native'])}); "
        f"{totals['passing']} of the {without} that need no process "
        f"({percent(totals['passing'], without)})."
    )
    for r in reports:
        details = [
            *(("FAIL", t, why) for t, why in r.failing.items()),
            *(("NEEDS PROCESSES", t, why) for t, why in r.needs_processes.items()),
            *(("REFUSED", t, why) for t, why in r.refused.items()),
            *(("CRASHED", t, why) for t, why in r.crashed.items()),
            *(("HUNG", t, why) for t, why in r.hung.items()),
            *(("NOT RUN", t, "") for t in r.not_run),
        ]
        if r.native_error:
            details.insert(0, ("NATIVE", r.module, r.native_error))
        if details:
            print(f"\n== {r.module}")
        for what, test, why in details:
            print(f"  {what} {test}")
            for line in why.strip().splitlines()[: REASON_LINES + 4]:
                print(f"      {line}")
    return totals


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--modules", help="comma-separated test modules (default: MODULES)")
    parser.add_argument(
        "--python", default=sys.executable, help="the interpreter, with gilsim installed"
    )
    parser.add_argument(
        "--test-timeout",
        type=float,
        default=300.0,
        help="CPU seconds without a test ending before a run is called hung (default 300)",
    )
    parser.add_argument(
        "--wall-timeout",
        type=float,
        default=900.0,
        help="wall seconds without a test ending before a run is called hung (default 900)",
    )
    parser.add_argument(
        "--max-time",
        default="3600s",
        help="gilsim's --max-time for each run (virtual; default 3600s)",
    )
    parser.add_argument("--max-restarts", type=int, default=60, help="gilsim runs per module")
    parser.add_argument("--use", default="", help="resources to enable, as regrtest's -u")
    parser.add_argument(
        "--gilsim-arg", action="append", default=[], metavar="ARG", help="extra gilsim option"
    )
    parser.add_argument("--json", metavar="OUT", help="write every module's report as JSON")
    parser.add_argument("--keep", action="store_true", help="keep the working directories")
    parser.add_argument(
        "--report",
        nargs="+",
        metavar="JSON",
        help="print the report of earlier --json files instead of running (a later file's "
        "module replaces an earlier one's)",
    )
    return parser.parse_args(argv)


def load_reports(paths: list[str]) -> list[ModuleReport]:
    """The module reports of ``--json`` files, a later file's report of a module replacing
    an earlier one's (a module measured again)."""
    found: dict[str, ModuleReport] = {}
    for path in paths:
        with open(path, encoding="utf-8") as file:
            for entry in json.load(file)["modules"]:
                found[entry["module"]] = ModuleReport(**entry)
    order = {name: index for index, name in enumerate(MODULES)}
    return sorted(found.values(), key=lambda r: order.get(r.module, len(order)))


def main(argv: list[str] | None = None) -> int:
    options = parse_args(argv)
    if options.report:
        print_report(load_reports(options.report))
        return 0
    modules = options.modules.split(",") if options.modules else list(MODULES)
    reports = []
    for module in modules:
        report = compare(module, options)
        print(
            f"[{module}] native {report.native_passing}, gilsim {len(report.passing)} "
            f"({report.native_s:.1f} s, {report.gilsim_s:.1f} s)",
            file=sys.stderr,
            flush=True,
        )
        reports.append(report)
        if options.json:
            # Written after each module, so that a long run stopped half-way keeps what it
            # measured.
            write_json(options.json, reports)
    print_report(reports)
    return 0


def write_json(path: str, reports: list[ModuleReport]) -> None:
    with open(path, "w", encoding="utf-8") as out:
        json.dump(
            {
                "python": sys.version.split()[0],
                "date": time.strftime("%Y-%m-%d"),
                "totals": totals_of(reports),
                "modules": [asdict(r) for r in reports],
            },
            out,
            indent=1,
        )


if __name__ == "__main__":
    sys.exit(main())
