"""Differential tests: every program in ``programs/`` must behave identically under
real CPython (``python PROG``) and under gilsim (``python -m gilsim run PROG``).

For each program we compare stdout, stderr and the exit status byte for byte.
Optional companion files next to a program:

* ``<prog>.args``  - command-line arguments, one per line (empty lines are empty args)
* ``<prog>.stdin`` - bytes fed to the program's standard input (default: empty)

Files whose names start with ``lib_`` and sub-directories are support modules /
packages for the import tests, not programs.
"""

from __future__ import annotations

import difflib
import functools
import os
import re
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest

HERE = Path(__file__).resolve().parent
PROGRAMS_DIR = HERE / "programs"
REPO_ROOT = HERE.parents[1]

CPYTHON_TIMEOUT = 60
GILSIM_TIMEOUT = 60
MAX_DIFF_LINES = 200


def discover_programs() -> list[Path]:
    return sorted(
        p for p in PROGRAMS_DIR.glob("*.py") if p.is_file() and not p.name.startswith("lib_")
    )


def program_args(prog: Path) -> list[str]:
    args_file = prog.with_suffix(".args")
    if not args_file.exists():
        return []
    return args_file.read_text(encoding="utf-8").splitlines()


def program_stdin(prog: Path) -> bytes:
    stdin_file = prog.with_suffix(".stdin")
    return stdin_file.read_bytes() if stdin_file.exists() else b""


def make_env() -> dict[str, str]:
    """One environment, shared verbatim by the CPython run and the gilsim run."""
    env = dict(os.environ)
    env["PYTHONHASHSEED"] = "0"
    env["PYTHONIOENCODING"] = "utf-8"
    # Never litter the corpus with __pycache__ directories; set for both runs alike.
    env["PYTHONDONTWRITEBYTECODE"] = "1"
    # Make ``python -m gilsim`` importable from the programs directory even when
    # gilsim is not installed.  Both runs get the same PYTHONPATH.
    pythonpath = [str(REPO_ROOT)]
    if env.get("PYTHONPATH"):
        pythonpath.append(env["PYTHONPATH"])
    env["PYTHONPATH"] = os.pathsep.join(pythonpath)
    for var in ("PYTHONSTARTUP", "PYTHONINSPECT", "PYTHONBREAKPOINT"):
        env.pop(var, None)
    return env


@dataclass(frozen=True)
class RunResult:
    stdout: bytes
    stderr: bytes
    returncode: int


def run(cmd: list[str], prog: Path, timeout: float, extra_env: dict | None = None) -> RunResult:
    proc = subprocess.run(
        cmd,
        cwd=PROGRAMS_DIR,
        env={**make_env(), **(extra_env or {})},
        input=program_stdin(prog),
        capture_output=True,
        timeout=timeout,
    )
    return RunResult(proc.stdout, any_pid(proc.stderr), proc.returncode)


def any_pid(stderr: bytes) -> bytes:
    """``stderr`` with the pid of a message of CPython's own (a fork with threads running,
    3.12+) made ``N``: the host's under python, a virtual one under gilsim."""
    return re.sub(rb"This process \(pid=\d+\)", b"This process (pid=N)", stderr)


def command_cpython(prog: Path) -> list[str]:
    return [sys.executable, prog.name, *program_args(prog)]


def command_gilsim(prog: Path) -> list[str]:
    return [sys.executable, "-m", "gilsim", "run", prog.name, *program_args(prog)]


@functools.cache
def run_cpython(name: str) -> RunResult:
    """Reference result from real CPython (cached for the whole session)."""
    prog = PROGRAMS_DIR / name
    return run(command_cpython(prog), prog, CPYTHON_TIMEOUT)


def _decode(data: bytes) -> str:
    return data.decode("utf-8", errors="backslashreplace")


def _lines(text: str) -> list[str]:
    lines = text.splitlines(keepends=True)
    if lines and not lines[-1].endswith(("\n", "\r")):
        lines[-1] += "\n\\ No newline at end of file\n"
    return lines


def stream_diff(name: str, expected: bytes, actual: bytes) -> str:
    diff = list(
        difflib.unified_diff(
            _lines(_decode(expected)),
            _lines(_decode(actual)),
            fromfile=f"cpython {name}",
            tofile=f"gilsim {name}",
        )
    )
    if not diff:  # differences invisible after decoding (e.g. invalid UTF-8)
        diff = [f"cpython {name}: {expected!r}\n", f"gilsim  {name}: {actual!r}\n"]
    if len(diff) > MAX_DIFF_LINES:
        omitted = len(diff) - MAX_DIFF_LINES
        diff = diff[:MAX_DIFF_LINES] + [f"... ({omitted} more diff lines omitted)\n"]
    return "".join(diff)


def describe_mismatch(prog: Path, expected: RunResult, actual: RunResult) -> str:
    parts = [f"gilsim diverges from CPython on {prog.name}"]
    args = program_args(prog)
    if args:
        parts.append(f"args: {args!r}")
    if expected.returncode != actual.returncode:
        parts.append(f"returncode: cpython={expected.returncode} gilsim={actual.returncode}")
    for stream in ("stdout", "stderr"):
        exp, act = getattr(expected, stream), getattr(actual, stream)
        if exp != act:
            parts.append(stream_diff(stream, exp, act))
    return "\n".join(parts)


PROGRAMS = discover_programs()

# Programs whose output the host's interpreter does not reproduce on a version, with why:
# each is listed under "Differences from CPython" in the docs, and its test must fail
# (strict), so that a fix shows.
KNOWN_DIFFERENCES = {
    # gilsim's own interpreter imports the standard library natively ("Natively imported
    # modules see the host" in docs/bytecode.md); 3.12 and 3.13 run it on the host's.
    (3, 11): {
        "async_threads_virtual_time": "asyncio's to_thread runs in the calling thread",
        "thread_logging_names": "logging's QueueListener thread dies",
        "thread_timers_and_sched": "__import__('time') gives the host's time",
        "async_loops_in_threads": (
            "asyncio's event loop policy takes every thread for the main thread "
            "(asyncio.get_event_loop() in a thread makes a loop)"
        ),
        # Only where the run's output is captured (``gilsim explore``): the 3.11 engine
        # finalizes what the modules hold after the run, and ``weakref.finalize`` registers
        # with the host's ``atexit``; ``gilsim run`` prints it at the host's exit.
        "basic_finalizers_at_exit": {"explore": "modules are finalized after the run"},
    },
    (3, 13): {
        # 3.13 shows the lines of ``python -c`` in a traceback, and multiprocessing's
        # spawn command line names its descriptors: gilsim's are numbered from 2**30 up.
        "proc_mp_pickling": "a spawn child's traceback shows gilsim's descriptor numbers",
        "proc_mp_no_guard": "a spawn child's traceback shows gilsim's descriptor numbers",
        "class_init_recursion": (
            "3.13's specialised class call (CALL_ALLOC_AND_ENTER_INIT) falls back to the "
            "generic call, one recursion unit instead of two, where the thread's frame "
            "stack needs a new chunk: CPython gets a few levels deeper"
        ),
    },
}


# Programs of processes that the host's interpreter does not run yet (forks and started
# programs it runs: ``gilsim.processes.hostfork``, ``gilsim.processes.hostspawn``).
NOT_YET_ON_THE_HOST: frozenset[str] = frozenset()


def params(programs: list[Path], command: str = "run") -> list:
    """``programs`` as test parameters: a program that starts processes needs them
    (``feature("processes")``); a known difference of the host's version is a strict
    expected failure (of every ``command``, or of those its entry names)."""
    known = KNOWN_DIFFERENCES.get(sys.version_info[:2], {})
    out = []
    for prog in programs:
        marks = []
        if prog.stem in NOT_YET_ON_THE_HOST:
            marks.append(pytest.mark.feature("processes"))
        reason = known.get(prog.stem)
        if isinstance(reason, dict):
            reason = reason.get(command)
        if reason is not None:
            marks.append(pytest.mark.xfail(reason=reason, strict=True))
        out.append(pytest.param(prog, id=prog.stem, marks=marks))
    return out


# gilsim runs hot code as compiled basic blocks and cold code one instruction at a time;
# "instructions" turns block compilation off, so that both ways are checked on every program.
MODES = (
    {"blocks": {}, "instructions": {"GILSIM_BLOCKS": "0"}}
    if sys.version_info < (3, 12)
    else {"host": {}}  # the host's own interpreter: one way to run
)


def _fail_on_timeout(prog: Path, exc: subprocess.TimeoutExpired) -> None:
    partial_out = _decode(exc.stdout or b"")[-2000:]
    partial_err = _decode(exc.stderr or b"")[-2000:]
    pytest.fail(
        f"gilsim timed out after {GILSIM_TIMEOUT}s on {prog.name}\n"
        f"--- partial stdout (tail) ---\n{partial_out}\n"
        f"--- partial stderr (tail) ---\n{partial_err}",
        pytrace=False,
    )


@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize("prog", params(PROGRAMS))
def test_program_matches_cpython(prog: Path, mode: str) -> None:
    expected = run_cpython(prog.name)
    try:
        actual = run(command_gilsim(prog), prog, GILSIM_TIMEOUT, MODES[mode])
    except subprocess.TimeoutExpired as exc:
        _fail_on_timeout(prog, exc)
    if actual != expected:
        pytest.fail(describe_mismatch(prog, expected, actual), pytrace=False)


# Race recording and schedule exploration run the program's own code through wrapped
# handlers (``gilsim.races.recording``, ``gilsim.races.containers``): the program must not
# notice.  Recorded, it prints what CPython prints, the race report after its stderr;
# explored, its default schedule's outcome is CPython's.
# A program printing ``sys.getrefcount`` is left out: the recorder holds references to the
# values it saw (``gilsim.races.places``), which show in the counts.
COUNTS_REFERENCES = frozenset({"std_getrefcount"})
RECORDED = [
    p for p in PROGRAMS if not p.with_suffix(".stdin").exists() and p.stem not in COUNTS_REFERENCES
]


@pytest.mark.parametrize("prog", params(RECORDED))
def test_program_recorded_for_races_matches_cpython(prog: Path) -> None:
    expected = run_cpython(prog.name)
    command = [sys.executable, "-m", "gilsim", "run", "--races", prog.name, *program_args(prog)]
    try:
        actual = run(command, prog, GILSIM_TIMEOUT)
    except subprocess.TimeoutExpired as exc:
        _fail_on_timeout(prog, exc)
    report = actual.stderr.rfind(b"gilsim: races: ")
    if report < 0:  # nothing ran (a syntax error): nothing to report
        assert b"SyntaxError" in expected.stderr, _decode(actual.stderr)[-2000:]
        report = len(actual.stderr)
    program_part = RunResult(actual.stdout, actual.stderr[:report], actual.returncode)
    if program_part != expected:
        pytest.fail(describe_mismatch(prog, expected, program_part), pytrace=False)


@pytest.mark.parametrize("prog", params(RECORDED, "explore"))
def test_program_explored_matches_cpython(prog: Path, tmp_path: Path) -> None:
    import json

    expected = run_cpython(prog.name)
    found = tmp_path / "found.json"
    command = [
        sys.executable, "-m", "gilsim", "explore", "--schedules", "1", "--json", str(found),
        prog.name, *program_args(prog),
    ]  # fmt: skip
    try:
        explored = run(command, prog, GILSIM_TIMEOUT)
    except subprocess.TimeoutExpired as exc:
        _fail_on_timeout(prog, exc)
    if not found.exists():  # a syntax error: printed as Python prints it, nothing explored
        assert (explored.returncode, explored.stderr) == (1, expected.stderr)
        assert b"SyntaxError" in expected.stderr
        return
    assert explored.returncode in (0, 1), _decode(explored.stderr)[-2000:]
    (outcome,) = json.loads(found.read_text())["outcomes"]
    actual = RunResult(
        outcome["stdout"].encode(), any_pid(outcome["stderr"].encode()), outcome["exit_status"]
    )
    if actual != expected:
        pytest.fail(describe_mismatch(prog, expected, actual), pytrace=False)


def test_corpus_is_well_formed() -> None:
    """Cheap structural checks on the corpus itself (no program is executed)."""
    assert len(PROGRAMS) >= 115
    problems = []
    for prog in PROGRAMS:
        first = prog.read_text(encoding="utf-8").splitlines()[:1]
        if not first or not first[0].startswith("# "):
            problems.append(f"{prog.name}: missing one-line '# ...' header comment")
        if "_" not in prog.stem:
            problems.append(f"{prog.name}: name should be <topic>_<name>.py")
    for extra in sorted(PROGRAMS_DIR.glob("*.args")) + sorted(PROGRAMS_DIR.glob("*.stdin")):
        if not extra.with_suffix(".py").exists():
            problems.append(f"{extra.name}: no matching program")
    assert not problems, "\n".join(problems)


# The old GIL (``--gil old``) changes when threads switch, never what a correct threaded
# program prints: every program that starts threads or processes prints under it what it
# prints under CPython 3.11 (and so under ``--gil new``).
THREADED = [p for p in PROGRAMS if b"thread" in p.read_bytes() or p.name.startswith("proc_")]


@pytest.mark.parametrize("prog", params(THREADED))
def test_threaded_program_under_the_old_gil_matches_cpython(prog: Path) -> None:
    expected = run_cpython(prog.name)
    command = [sys.executable, "-m", "gilsim", "run", "--gil", "old", prog.name]
    try:
        actual = run(command + program_args(prog), prog, GILSIM_TIMEOUT)
    except subprocess.TimeoutExpired as exc:
        _fail_on_timeout(prog, exc)
    if actual != expected:
        pytest.fail(describe_mismatch(prog, expected, actual), pytrace=False)
