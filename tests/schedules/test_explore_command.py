"""``gilsim explore`` and ``gilsim run --schedule`` as a user meets them."""

import json
import shlex
import subprocess
import sys

from .programs import PLUS_EQUALS, THROUGH_A_CALL


def gilsim(*args, cwd=None):
    return subprocess.run(
        [sys.executable, "-m", "gilsim", *args],
        capture_output=True,
        text=True,
        cwd=cwd,
        timeout=300,
    )


def test_explore_reports_each_outcome_with_a_replay_command_that_works(tmp_path):
    script = tmp_path / "lossy.py"
    script.write_text(THROUGH_A_CALL)
    result = gilsim("explore", "--bound", "1", "--json", "out.json", "lossy.py", cwd=tmp_path)
    assert result.returncode == 1, result.stderr  # the outcome depends on the schedule
    assert "Traceback" not in result.stderr
    assert "distinct outcomes" in result.stdout
    replays = [
        line.split("replay: ", 1)[1] for line in result.stdout.splitlines() if "replay: " in line
    ]
    data = json.loads((tmp_path / "out.json").read_text())
    assert data["format"] == "gilsim-explore/1"
    assert data["complete"] is True
    assert len(replays) == len(data["outcomes"]) >= 2
    assert sum(o["schedules"] for o in data["outcomes"]) == data["schedules_explored"]
    for command, outcome in zip(replays, data["outcomes"], strict=True):
        words = shlex.split(command)
        assert words[:2] == ["gilsim", "run"]
        replayed = gilsim(*words[1:], cwd=tmp_path)
        assert replayed.stdout == outcome["stdout"]
        assert replayed.returncode == outcome["exit_status"]
        assert set(outcome) >= {"stdout", "exit_status", "schedules", "schedule"}
        assert len(outcome["choices"]) == len(outcome["schedule"].split(",")) or (
            outcome["schedule"] == "default" and not outcome["choices"]
        )


def test_each_choice_of_a_schedule_is_told(tmp_path):
    """The lossy schedule hands the GIL over when a thread enters f(), between its load and
    its store of counter."""
    script = tmp_path / "lossy.py"
    script.write_text(THROUGH_A_CALL)
    result = gilsim("explore", "--bound", "1", "--json", "out.json", "lossy.py", cwd=tmp_path)
    data = json.loads((tmp_path / "out.json").read_text())
    lossy = next(o for o in data["outcomes"] if o["stdout"] != "6\n")
    (choice,) = lossy["choices"]
    assert (choice["kind"], choice["function"], choice["opname"]) == ("check", "f", "RESUME")
    assert choice["holder_name"].startswith("Thread-")
    assert choice["thread_name"] != choice["holder_name"]
    point = choice["point"]
    told = f'at {point}: the GIL goes to "{choice["thread_name"]}" when '
    assert told in result.stdout
    assert "entered f() (line 4)" in result.stdout  # its def (the source opens with a newline)


def test_options_that_shape_the_run_are_in_the_replay_command(tmp_path):
    script = tmp_path / "lossy.py"
    script.write_text(THROUGH_A_CALL)
    result = gilsim(
        "explore",
        "--bound",
        "1",
        "--seed",
        "7",
        "--cores",
        "4",
        "--switch-interval",
        "2ms",
        "lossy.py",
        cwd=tmp_path,
    )
    assert result.returncode == 1, result.stderr
    replay = next(line for line in result.stdout.splitlines() if "replay: " in line)
    assert "--seed 7" in replay and "--cores 4" in replay and "--switch-interval 2ms" in replay


def test_parallel_workers_find_the_same_outcomes(tmp_path):
    script = tmp_path / "safe.py"
    script.write_text(PLUS_EQUALS)
    serial = gilsim("explore", "--bound", "1", "safe.py", cwd=tmp_path)
    parallel = gilsim("explore", "--bound", "1", "--workers", "2", "safe.py", cwd=tmp_path)
    assert serial.returncode == parallel.returncode == 0
    assert serial.stdout == parallel.stdout


def test_bad_exploration_options_are_one_line_errors(tmp_path):
    script = tmp_path / "safe.py"
    script.write_text(PLUS_EQUALS)
    for args in (
        ["--bound", "-1"],
        ["--workers", "0"],
        ["--schedules", "0"],
        ["--schedule", "3:T1"],
        ["--trace", "t.jsonl"],
    ):
        result = gilsim("explore", *args, "safe.py", cwd=tmp_path)
        assert result.returncode == 2, (args, result.stderr)
        lines = result.stderr.strip().splitlines()
        assert len(lines) == 1 and lines[0].startswith("gilsim: "), (args, result.stderr)
    result = gilsim("explore", "--strategy", "smart", "safe.py", cwd=tmp_path)
    assert result.returncode == 2 and "smart" in result.stderr


def test_a_bad_schedule_is_refused_by_run(tmp_path):
    script = tmp_path / "safe.py"
    script.write_text(PLUS_EQUALS)
    result = gilsim("run", "--schedule", "3T1", "safe.py", cwd=tmp_path)
    assert result.returncode == 2
    assert result.stderr.strip() == (
        "gilsim: bad schedule '3T1': '3T1' is not POINT:TNUMBER (e.g. 12:T1, as `gilsim "
        "explore` prints it)"
    )
    assert result.stdout == ""


def test_a_deadlock_is_an_outcome(tmp_path):
    script = tmp_path / "abba.py"
    script.write_text(
        "import threading\n"
        "a, b = threading.Lock(), threading.Lock()\n"
        "def f(x):\n    return x\n"
        "def one():\n    with a:\n        f(1)\n        with b:\n            pass\n"
        "def two():\n    with b:\n        f(2)\n        with a:\n            pass\n"
        "ts = [threading.Thread(target=one), threading.Thread(target=two)]\n"
        "for t in ts:\n    t.start()\n"
        "for t in ts:\n    t.join()\n"
        "print('done')\n"
    )
    result = gilsim("explore", "--bound", "1", "--json", "out.json", "abba.py", cwd=tmp_path)
    assert result.returncode == 1, result.stderr
    data = json.loads((tmp_path / "out.json").read_text())
    statuses = {o["exit_status"] for o in data["outcomes"]}
    assert statuses == {0, 3}
    deadlock = next(o for o in data["outcomes"] if o["exit_status"] == 3)
    assert "deadlock" in deadlock["stderr"].lower()
    assert "ending with:" in result.stdout


def test_a_syntax_error_is_printed_as_python_prints_it(tmp_path):
    script = tmp_path / "bad.py"
    script.write_text("def f(:\n    pass\n")
    native = subprocess.run(
        [sys.executable, "bad.py"], capture_output=True, text=True, cwd=tmp_path
    )
    result = gilsim("explore", "bad.py", cwd=tmp_path)
    assert (result.returncode, result.stdout) == (1, "")
    assert result.stderr == native.stderr
