"""The command line as a user meets it: clear one-line errors, statuses, the JSON summary;
option values as a user may type them (a bad one is refused before anything runs, in one
``gilsim:`` line naming the option, the value and what it takes, status 2; no value, however
large, small or malformed, gives a traceback; no abbreviated long options), and
``--version``."""

import contextlib
import io
import json
import subprocess
import sys

import pytest
from hypothesis import given
from hypothesis import strategies as st

from gilsim import cli
from gilsim.errors import GilsimError


def gilsim(*args, cwd=None, stdin=""):
    return subprocess.run(
        [sys.executable, "-m", "gilsim", *args],
        capture_output=True,
        text=True,
        cwd=cwd,
        input=stdin,
        timeout=120,
    )


def test_missing_file_is_one_line_and_status_2(tmp_path):
    result = gilsim("run", str(tmp_path / "nope.py"))
    assert result.returncode == 2
    assert result.stdout == ""
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1
    assert "nope.py" in lines[0] and "No such file" in lines[0]


def test_runaway_program_is_one_line_and_nonzero(tmp_path):
    script = tmp_path / "spin.py"
    script.write_text("print('start')\nwhile True:\n    pass\n")
    result = gilsim("run", "--max-instructions", "20000", str(script))
    assert result.returncode == 3
    assert result.stdout == "start\n"
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("gilsim: ")
    assert "spin.py" in lines[0]


def test_wrong_option_is_refused_with_status_2(tmp_path):
    result = gilsim("run", "--max-time", "fast", str(tmp_path / "x.py"))
    assert result.returncode == 2
    assert "fast" in result.stderr
    assert "Traceback" not in result.stderr


@pytest.mark.parametrize("value", ["0", "-1"])
def test_non_positive_limits_are_refused(tmp_path, value):
    script = tmp_path / "x.py"
    script.write_text("print(1)\n")
    result = gilsim("run", "--max-instructions", value, str(script))
    assert result.returncode == 2
    assert "Traceback" not in result.stderr


def test_syntax_error_looks_like_pythons(tmp_path):
    script = tmp_path / "bad.py"
    script.write_text("x = (1,\n")
    ours = gilsim("run", str(script))
    theirs = subprocess.run([sys.executable, str(script)], capture_output=True, text=True)
    assert (ours.returncode, ours.stderr) == (theirs.returncode, theirs.stderr)


def test_json_summary(tmp_path):
    script = tmp_path / "ok.py"
    script.write_text("print(sum(range(10)))\n")
    out = tmp_path / "run.json"
    result = gilsim("run", "--json", str(out), str(script), "arg")
    assert result.returncode == 0 and result.stdout == "45\n"
    summary = json.loads(out.read_text())
    assert summary["format"] == "gilsim-run/2"
    assert summary["exit_status"] == 0
    assert summary["instructions"] > 0
    assert summary["virtual_time_ns"] > 0
    (main,) = summary["threads"]
    assert main["name"] == "MainThread" and main["instructions"] == summary["instructions"]
    assert main["cpu_ns"] == summary["virtual_time_ns"]
    assert summary["gil"] == {
        "kind": "new",
        "switches": 1,
        "forced_switches": 0,
        "voluntary_releases": 0,
        "drop_requests": 0,
    }
    assert [core["core"] for core in summary["cores"]] == [0, 1]


def test_json_summary_of_two_threads_counts_their_time_and_switches(tmp_path):
    script = tmp_path / "spin.py"
    script.write_text(
        "import threading, time\n"
        "def spin():\n"
        "    end = time.perf_counter() + 0.02\n"
        "    while time.perf_counter() < end:\n"
        "        pass\n"
        "ts = [threading.Thread(target=spin) for _ in range(2)]\n"
        "for t in ts: t.start()\n"
        "for t in ts: t.join()\n"
    )
    out = tmp_path / "run.json"
    trace = tmp_path / "trace.jsonl"
    result = gilsim("run", "--json", str(out), "--trace", str(trace), str(script))
    assert result.returncode == 0, result.stderr
    summary = json.loads(out.read_text())
    names = [thread["name"] for thread in summary["threads"]]
    assert names == ["MainThread", "Thread-1 (spin)", "Thread-2 (spin)"]
    spinners = summary["threads"][1:]
    # Each spins for 20 ms of virtual time, about half of it waiting for the GIL while the
    # other one runs; together they keep one core busy.
    assert all(5e6 < thread["cpu_ns"] < 15e6 for thread in spinners)
    busy = sum(thread["cpu_ns"] for thread in spinners)
    assert 0.8 < busy / summary["virtual_time_ns"] <= 1.0
    assert all(thread["gil_wait_ns"] > 4e6 for thread in spinners)
    assert summary["gil"]["forced_switches"] >= 3
    assert summary["gil"]["drop_requests"] >= summary["gil"]["forced_switches"]
    events = [json.loads(line) for line in trace.read_text().splitlines()]
    assert {event["event"] for event in events} >= {"thread_state", "gil_take", "gil_drop", "ran"}
    times = [event["time_ns"] for event in events]
    assert times == sorted(times)


def test_program_arguments_after_the_script_are_the_programs(tmp_path):
    script = tmp_path / "args.py"
    script.write_text("import sys\nprint(sys.argv[1:])\n")
    result = gilsim("run", str(script), "--max-time", "x", "-v")
    assert result.stdout == "['--max-time', 'x', '-v']\n"


def test_unsupported_python_version_is_refused(monkeypatch):
    from gilsim import program
    from gilsim.errors import UnsupportedError

    monkeypatch.setattr(program, "SUPPORTED_VERSIONS", ((3, 99),))
    host = rf"{sys.version_info.major}\.{sys.version_info.minor}"
    with pytest.raises(UnsupportedError, match=rf"Python {host} is not supported"):
        program.check_version()


def test_unsupported_version_from_the_command_line_is_one_line(tmp_path):
    script = tmp_path / "ok.py"
    script.write_text("print(1)\n")
    code = (
        "import sys, gilsim.program as p; p.SUPPORTED_VERSIONS = ((3, 99),); "
        "from gilsim.cli import main; sys.exit(main(['run', sys.argv[1]]))"
    )
    result = subprocess.run(
        [sys.executable, "-c", code, str(script)], capture_output=True, text=True
    )
    assert result.returncode == 2
    assert result.stderr.count("\n") == 1 and "not supported" in result.stderr


# The host's interpreter (3.12+) runs a program's sys.settrace; gilsim's own interpreter
# refuses it.
TRACE_CALL = ("sys.setprofile(print)", "sys.setprofile()")
if sys.version_info < (3, 12):
    TRACE_CALL = ("sys.settrace(print)", "sys.settrace()")


@pytest.mark.parametrize("call, what", [("breakpoint()", "breakpoint()"), TRACE_CALL])
def test_unsupported_construct_is_one_line_naming_file_and_line(tmp_path, call, what):
    script = tmp_path / "uses.py"
    script.write_text(f"import sys\nprint('kept')\n{call}\nprint('never')\n")
    result = gilsim("run", str(script))
    assert result.returncode == 2
    assert result.stdout == "kept\n"
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1
    assert "uses.py, line 3" in lines[0] and what in lines[0]


def test_a_host_fork_child_leaves_reports_to_the_parent(tmp_path):
    """Processes are not simulated yet: os.fork() forks gilsim itself.  The program prints
    what CPython prints, and only the parent writes the summary (the child's exit status 4
    is seen by the parent's waitpid, not written over the parent's 0)."""
    script = tmp_path / "fork.py"
    script.write_text(
        "import os, sys\n"
        "pid = os.fork()\n"
        "if pid == 0:\n"
        "    print('child')\n"
        "    sys.exit(4)\n"
        "_, status = os.waitpid(pid, 0)\n"
        "print('parent saw', os.waitstatus_to_exitcode(status))\n"
    )
    summary = tmp_path / "run.json"
    result = gilsim("run", "--json", str(summary), str(script))
    cpython = subprocess.run([sys.executable, str(script)], capture_output=True, text=True)
    assert result.returncode == cpython.returncode == 0
    assert sorted(result.stdout.splitlines()) == sorted(cpython.stdout.splitlines())
    assert json.loads(summary.read_text())["exit_status"] == 0
    assert "gilsim" not in result.stderr


@pytest.fixture
def script(tmp_path):
    path = tmp_path / "hello.py"
    path.write_text("print('hello')\n")
    return str(path)


def test_version_names_gilsim_and_the_python_it_runs_programs_on():
    result = gilsim("--version")
    assert result.returncode == 0
    version = ".".join(map(str, sys.version_info[:3]))
    assert result.stdout.startswith("gilsim ") and f"Python {version}" in result.stdout


@pytest.mark.parametrize(
    "option, value, says",
    [
        ("--cores", "two", "'two' is not a whole number (from 1 to 1,024)"),
        ("--cores", "99999999999", "'99999999999' is out of range (from 1 to 1,024)"),
        ("--max-instructions", "1e9", "'1e9' is not a whole number"),
        ("--max-instructions", str(10**30), "is out of range (from 1 to "),
        ("--max-time", "1e400", "too long a duration: '1e400'"),
        ("--switch-interval", "1e300", "too long a duration: '1e300'"),
        ("--max-time", "0", "'0' is no time at all"),
        ("--max-wall", "0", "'0' is no time at all"),
        ("--max-wall", "soon", "not a duration: 'soon'"),
        ("--switch-interval", "fast", "not a duration: 'fast'"),
        ("--seed", "x", "'x' is not a whole number"),
        ("--gil", "bogus", "invalid choice: 'bogus'"),
    ],
)
def test_a_bad_value_is_one_line_naming_the_option(script, option, value, says):
    result = gilsim("run", option, value, script)
    assert result.returncode == 2
    assert result.stdout == ""
    lines = result.stderr.splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith(f"gilsim: argument {option}: "), lines[0]
    assert says in lines[0]
    assert lines[0].endswith("(see `gilsim run --help`)")


def test_an_abbreviated_long_option_is_refused(script):
    result = gilsim("run", "--core", "2", script)
    assert result.returncode == 2
    assert result.stdout == ""
    assert result.stderr.splitlines() == [
        "gilsim: unrecognized arguments: --core (see `gilsim --help`)"
    ]


def test_the_largest_values_run(script):
    result = gilsim(
        "run",
        "--cores",
        "1024",
        "--max-instructions",
        str(1 << 62),
        "--max-time",
        "4611686018427387904ns",
        "--switch-interval",
        "4611686018427387904ns",
        "--seed",
        str(-(10**40)),
        script,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout == "hello\n"


OPTIONS = [
    "--cores",
    "--switch-interval",
    "--seed",
    "--max-time",
    "--max-instructions",
    "--max-wall",
]
TEXT = st.one_of(
    st.text(max_size=12),
    st.integers().map(str),
    st.floats(allow_nan=True, allow_infinity=True).map(str),
    st.builds(
        "{}{}".format,
        st.floats(allow_nan=True, allow_infinity=True).map(repr),
        st.sampled_from(["", "ns", "us", "µs", "ms", "s", "y"]),
    ),
)


@given(option=st.sampled_from(OPTIONS), value=TEXT)
def test_no_option_value_gives_a_traceback(option, value):
    """Whatever the value, reading the options and making the run's configuration either
    works or says what is wrong: argparse's exit 2 with one ``gilsim:`` line, or a
    ``GilsimError`` (which ``gilsim`` prints as one line)."""
    stderr = io.StringIO()
    try:
        with contextlib.redirect_stderr(stderr):
            args = cli._parser().parse_args(["run", f"{option}={value}", "script.py"])
        cli.config_from_args(args)
    except SystemExit as exit:
        assert exit.code == 2
        lines = stderr.getvalue().splitlines()
        assert len(lines) == 1 and lines[0].startswith(f"gilsim: argument {option}: "), lines
    except GilsimError:
        pass


def test_the_instruction_count_after_a_limit_stop_is_what_ran(tmp_path):
    """A run stopped by ``--max-instructions`` counts each instruction it ran once: as many
    as a run that ends by itself makes with the loop's rounds up to the limit, give or take
    the round that crossed it (a run stops at the next place it counts)."""
    script = tmp_path / "count.py"
    script.write_text("import sys\nn = int(sys.argv[1])\ni = 0\nwhile i != n:\n    i += 1\n")

    def instructions(*args):
        summary = tmp_path / "summary.json"
        result = gilsim("run", "--json", str(summary), *args)
        return result, json.loads(summary.read_text())["instructions"]

    _, thousand = instructions(str(script), "1000")
    _, two_thousand = instructions(str(script), "2000")
    per_round = (two_thousand - thousand) // 1000
    assert two_thousand - thousand == 1000 * per_round
    limit = thousand + 500 * per_round
    stopped, counted = instructions("--max-instructions", str(limit), str(script), "-1")
    assert stopped.returncode == 3, stopped.stderr
    assert limit < counted <= limit + per_round + 2
