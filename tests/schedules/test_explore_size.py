"""``gilsim explore`` before and while it searches: the size it announces, the progress line
on a terminal, and Ctrl-C."""

import json
import os
import pty
import re
import select
import signal
import subprocess
import sys
import time
import uuid

import pytest

from gilsim.config import Config
from gilsim.schedules.runner import Job, run_job
from gilsim.schedules.size import size_of

from .programs import PLUS_EQUALS

LOOP = """
import threading
counter = 0
def work():
    global counter
    for _ in range({n}):
        counter += 1
threads = [threading.Thread(target=work) for _ in range(2)]
for t in threads:
    t.start()
for t in threads:
    t.join()
print(counter)
"""


def start(*args, cwd, stderr=subprocess.PIPE, env=None):
    return subprocess.Popen(
        [sys.executable, "-m", "gilsim", "explore", *args],
        stdout=subprocess.PIPE,
        stderr=stderr,
        text=True,
        cwd=cwd,
        env=env,
    )


def gilsim(*args, cwd):
    return subprocess.run(
        [sys.executable, "-m", "gilsim", "explore", *args],
        capture_output=True,
        text=True,
        cwd=cwd,
        timeout=300,
    )


def read_until(stream, pattern, timeout_s=240):
    """Lines of ``stream`` up to the first that matches ``pattern``."""
    lines = []
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        line = stream.readline()
        if not line:
            break
        lines.append(line)
        if re.search(pattern, line):
            return lines
    raise AssertionError(f"no line matching {pattern!r} in {lines!r}")


def default_log(source, filename):
    return run_job(Job(source, filename, (filename,), Config(), reduce=False)).log


def test_the_estimate_is_told_first_and_counts_the_check_points(tmp_path):
    """PLUS_EQUALS: every check point of the default run has two threads that could run,
    so at bound 1 the estimate is 1 + 2n, near what the search without reduction makes."""
    (tmp_path / "safe.py").write_text(PLUS_EQUALS)
    log = default_log(PLUS_EQUALS, str(tmp_path / "safe.py"))
    checks = [p for p in log if p.kind == "check"]
    assert {len(p.options) for p in checks} == {2}
    n = len(checks)
    result = gilsim("--bound", "1", "--no-reduction", "--json", "o.json", "safe.py", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    lines = result.stderr.splitlines()
    assert lines[0].startswith(f"gilsim: safe.py: the default run met {n} check points ")
    counts = re.search(r"\((.*)\), in", lines[0])[1]
    assert sum(int(part.rsplit(" ", 1)[1]) for part in counts.split(", ")) == n
    estimate = 1 + 2 * n
    assert lines[1] == (
        f"gilsim: exhaustive search up to 1 preemption: about {estimate:,} schedules; "
        "it stops after 5,000 (--schedules)"
    )
    assert len(lines) == 2  # within reach: no suggestion
    explored = json.loads((tmp_path / "o.json").read_text())["schedules_explored"]
    assert explored / 2 <= estimate <= explored * 2


def test_bound_zero_is_one_schedule_and_said_so(tmp_path):
    (tmp_path / "safe.py").write_text(PLUS_EQUALS)
    result = gilsim("--bound", "0", "safe.py", cwd=tmp_path)
    assert "up to 0 preemptions: about 1 schedules" in result.stderr
    assert result.stdout.startswith("Explored 1 schedule of safe.py")


def test_the_estimate_sums_products_of_the_threads_at_each_point():
    """Three check points where 2, 3 and 2 threads could run, bound 2, one release with 2
    waiters: (1 + (2+3+2) + (2*3 + 2*2 + 3*2)) * 2."""
    from gilsim.schedules.schedule import ChoicePoint

    log = [
        ChoicePoint(0, "check", 0, None, (0, 1), 0, 0),
        ChoicePoint(1, "check", 1, None, (1, 0, 2), 1, 1),
        ChoicePoint(2, "release", 1, None, (0, 2), 0, 0),
        ChoicePoint(3, "check", 2, None, (2, 0), 2, 2),
    ]
    size = size_of(
        log, ("MainThread", "A (f)", "B"), strategy="exhaustive", bound=2, limit=5000,
        seconds=0.1, reduce=True,
    )  # fmt: skip
    assert size.estimate == (1 + 7 + 16) * 2
    assert size.points == (("MainThread", 1), ("A", 1), ("B", 1))
    assert size.releases == 1 and not size.out_of_reach


def test_a_large_loop_gets_the_suggestion_before_it_runs(tmp_path):
    """20,000 increments a thread: the suggestion comes after the default run; Ctrl-C then
    ends the search with what it found."""
    (tmp_path / "big.py").write_text(LOOP.format(n=20_000))
    process = start("big.py", cwd=tmp_path)
    try:
        lines = read_until(process.stderr, "too many schedules")
        process.send_signal(signal.SIGINT)
        out, err = process.communicate(timeout=120)
    finally:
        process.kill()
    told = "".join(lines)
    assert re.search(r"\(MainThread \d+, Thread-1 200\d\d, Thread-2 200\d\d\)", told)
    assert "--strategy pct" in lines[-1] and "smaller input" in lines[-1]
    assert process.returncode == 130, err
    assert "Traceback" not in err
    assert "Interrupted (Ctrl-C)" in out


def outcome_counts(stdout):
    explored = int(re.match(r"Explored (\d+) schedules? of", stdout)[1])
    counts = [int(n) for n in re.findall(r"^Outcome \d+: (\d+) schedules?,", stdout, re.M)]
    replays = re.findall(r"^  replay: gilsim run --schedule \S+ ", stdout, re.M)
    return explored, counts, replays


def alive_with(marker):
    """Processes whose environment holds ``marker`` (a search's, and whatever it forked)."""
    found = []
    for pid in os.listdir("/proc"):
        if not pid.isdigit():
            continue
        try:
            with open(f"/proc/{pid}/environ", "rb") as handle:
                if marker.encode() in handle.read():
                    with open(f"/proc/{pid}/stat") as stat:
                        if stat.read().split(") ")[-1].split()[0] != "Z":
                            found.append(int(pid))
        except OSError:
            pass
    return found


@pytest.mark.parametrize("workers", ["1", "2"])
def test_ctrl_c_reports_what_was_found_and_leaves_no_process(tmp_path, workers):
    (tmp_path / "loop.py").write_text(LOOP.format(n=300))
    marker = f"GILSIM_TEST_{uuid.uuid4().hex}"
    env = {**os.environ, marker: "1"}
    process = start("--workers", workers, "--json", "o.json", "loop.py", cwd=tmp_path, env=env)
    try:
        read_until(process.stderr, "it stops after")
        time.sleep(3)
        assert process.poll() is None, "the search ended before it could be interrupted"
        process.send_signal(signal.SIGINT)
        out, err = process.communicate(timeout=120)
    finally:
        process.kill()
    assert process.returncode == 130, err
    assert "Traceback" not in err
    explored, counts, replays = outcome_counts(out)
    assert explored >= 1 and sum(counts) == explored
    assert len(replays) == len(counts) >= 1
    data = json.loads((tmp_path / "o.json").read_text())
    assert data["interrupted"] is True and data["complete"] is False
    assert sum(o["schedules"] for o in data["outcomes"]) == data["schedules_explored"]
    time.sleep(0.5)
    assert alive_with(marker) == []


def test_progress_on_a_terminal_and_none_elsewhere(tmp_path):
    (tmp_path / "safe.py").write_text(PLUS_EQUALS)
    main, secondary = pty.openpty()
    process = start("--bound", "1", "safe.py", cwd=tmp_path, stderr=secondary)
    os.close(secondary)
    shown = b""
    while True:
        ready, _, _ = select.select([main], [], [], 300)
        if not ready:
            break
        try:
            chunk = os.read(main, 4096)
        except OSError:  # EIO: the terminal's other end closed
            break
        if not chunk:
            break
        shown += chunk
    process.communicate(timeout=60)
    os.close(main)
    text = shown.decode()
    # Each drawing is "\r", the line, and "erase to the end of the line" (gilsim.terminal).
    assert "\rgilsim: running the default schedule, 0:0" in text
    assert re.search(
        r"\rgilsim: \d+ schedules? run, \d+ outcomes?, [\d,]+ to go, \d+:\d\d elapsed\x1b\[K", text
    )
    assert " elapsed" in text
    assert text.rstrip("\r\n").endswith("\r\x1b[K") or "\x1b[K" in text.splitlines()[-1]
    quiet = gilsim("--bound", "1", "safe.py", cwd=tmp_path)
    assert "\r" not in quiet.stderr and "elapsed" not in quiet.stderr
    assert len(quiet.stderr.splitlines()) == 2
