"""``gilsim explore --max-wall``: the search stops at its wall-time limit as Ctrl-C stops it
(the outcomes so far, counted right, each with its replay command), says so in one
``gilsim:`` line and exits with status 3, the status of a run stopped by a limit."""

import json
import re
import subprocess
import sys
import time

import pytest

from tests.cli.terminal import on_a_terminal

from .programs import PLUS_EQUALS, THROUGH_A_CALL

# Two threads incrementing a counter 1000 times each: millions of schedules up to two
# preemptions, far more than a few seconds can run.
LONG = PLUS_EQUALS.replace("range(3)", "range(1000)")

MESSAGE = re.compile(
    r"gilsim: the search ran past --max-wall (\S+ \S+) of wall time; stopped after (\d+) "
    r"schedules?"
)


def explore(*args, cwd):
    started = time.monotonic()
    result = subprocess.run(
        [sys.executable, "-m", "gilsim", "explore", *args],
        capture_output=True,
        text=True,
        cwd=cwd,
        stdin=subprocess.DEVNULL,
        timeout=240,
    )
    return result, time.monotonic() - started


def counts(report):
    """The schedules explored, and each outcome's count, from the text report."""
    explored = int(re.match(r"Explored (\d+) schedules? ", report).group(1))
    each = [int(n) for n in re.findall(r"^Outcome \d+: (\d+) schedules?,", report, re.M)]
    return explored, each


@pytest.mark.parametrize("workers", ["1", "2"])
def test_max_wall_stops_a_long_search_with_what_it_found(tmp_path, workers):
    (tmp_path / "counter.py").write_text(LONG)
    limit = "2s" if workers == "1" else "1s"
    result, took = explore(
        "--workers",
        workers,
        "--max-wall",
        limit,
        "--json",
        "found.json",
        "counter.py",
        cwd=tmp_path,
    )
    assert result.returncode == 3, result.stderr
    # Without the limit it would run 5,000 schedules, minutes; the run under way is killed.
    assert took < 30
    last = result.stderr.splitlines()[-1]
    match = MESSAGE.fullmatch(last)
    assert match, result.stderr
    assert match.group(1) == {"1": "2 s", "2": "1 s"}[workers]
    assert [line for line in result.stderr.splitlines() if "--max-wall" in line] == [last]
    explored, each = counts(result.stdout)
    assert int(match.group(2)) == explored >= 1
    assert sum(each) == explored and each
    assert result.stdout.count("  replay: gilsim run --schedule ") == len(each)
    assert "Stopped at its wall-time limit (--max-wall) before the search was done" in (
        result.stdout
    )
    assert "Interrupted" not in result.stdout
    data = json.loads((tmp_path / "found.json").read_text())
    assert data["timed_out"] is True and data["interrupted"] is False
    assert data["complete"] is False and data["schedules_explored"] == explored
    assert sum(o["schedules"] for o in data["outcomes"]) == explored


def test_a_search_done_within_its_limit_ends_as_without_one(tmp_path):
    (tmp_path / "counter.py").write_text(THROUGH_A_CALL)
    limited, _ = explore("--max-wall", "1000s", "counter.py", cwd=tmp_path)
    free, _ = explore("counter.py", cwd=tmp_path)
    assert limited.returncode == free.returncode == 1  # four outcomes
    assert limited.stdout == free.stdout
    assert "--max-wall" not in limited.stderr


@pytest.mark.parametrize(
    ("value", "says"),
    [("0", "is no time at all"), ("soon", "soon"), ("-1s", "-1s")],
)
def test_max_wall_reads_durations_as_run_does(tmp_path, value, says):
    (tmp_path / "counter.py").write_text(PLUS_EQUALS)
    result, _ = explore(f"--max-wall={value}", "counter.py", cwd=tmp_path)
    run = subprocess.run(
        [sys.executable, "-m", "gilsim", "run", f"--max-wall={value}", "counter.py"],
        capture_output=True,
        text=True,
        cwd=tmp_path,
    )
    assert result.returncode == run.returncode == 2
    assert result.stdout == ""
    [line] = result.stderr.splitlines()
    assert line.startswith("gilsim: argument --max-wall: ") and says in line
    assert line.replace("gilsim explore", "gilsim run") == run.stderr.rstrip("\n")


def test_max_wall_on_a_terminal_erases_the_progress_line_first(tmp_path):
    """The limit's timer shares SIGALRM with the progress line's: the line is still
    redrawn, and erased before the report and the limit's line."""
    (tmp_path / "counter.py").write_text(LONG)
    started = time.monotonic()
    status, stdout, terminal = on_a_terminal(
        "explore", "--max-wall", "3s", "counter.py", cwd=tmp_path
    )
    assert status == 3
    assert time.monotonic() - started < 30
    assert re.search(r"\rgilsim: \d+ schedules? run, .* elapsed\x1b\[K", terminal), terminal
    after = terminal.rpartition("\r\x1b[K")[2]
    assert MESSAGE.fullmatch(after.strip()), terminal
    explored, each = counts(stdout)
    assert sum(each) == explored
