"""``gilsim races`` and ``gilsim run --races`` as a user meets them."""

from __future__ import annotations

import json
import subprocess
import sys

from tests.races import programs


def gilsim(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "gilsim", *args], capture_output=True, text=True, timeout=120
    )


def test_races_passes_output_and_status_through_and_reports_on_stderr(tmp_path):
    script = tmp_path / "lost.py"
    script.write_text(programs.LOST_UPDATE + "raise SystemExit(3)\n")
    result = gilsim("races", "--switch-interval", "200us", str(script))
    assert result.returncode == 3
    assert result.stdout.strip().isdigit()  # the program's own output, unchanged
    assert result.stderr.startswith("gilsim: races: 1 lost update, 1 data race\n")
    assert 'lost update of counter: thread "Thread-' in result.stderr
    assert "(counter = f(counter))" in result.stderr


def test_run_races_writes_the_reports_into_the_json_summary(tmp_path):
    script = tmp_path / "atomic.py"
    script.write_text(programs.ATOMIC_INCREMENT)
    summary = tmp_path / "out.json"
    result = gilsim(
        "run", "--races", "--switch-interval", "200us", "--json", str(summary), str(script)
    )
    assert result.returncode == 0
    assert result.stdout == "40000\n"
    assert "gilsim: races: 1 data race" in result.stderr
    races = json.loads(summary.read_text())["races"]
    assert races["data_races"] == 1 and races["lost_updates"] == 0
    report = races["reports"][0]
    assert report["kind"] == "data race" and report["atomic"] is True
    assert report["place"] == "__main__.counter"


def test_a_program_without_races_gets_one_line(tmp_path):
    script = tmp_path / "calm.py"
    script.write_text(programs.NO_THREADS)
    result = gilsim("races", str(script))
    assert result.stdout == "4950\n"
    assert result.stderr == "gilsim: races: no races found\n"


def test_run_without_races_says_nothing_about_races(tmp_path):
    script = tmp_path / "lost.py"
    script.write_text(programs.LOST_UPDATE)
    summary = tmp_path / "out.json"
    result = gilsim("run", "--json", str(summary), str(script))
    assert result.stderr == ""
    assert "races" not in json.loads(summary.read_text())


def test_a_missing_script_is_one_line(tmp_path):
    result = gilsim("races", str(tmp_path / "nope.py"))
    assert result.returncode == 2
    assert len(result.stderr.strip().splitlines()) == 1
    assert "nope.py" in result.stderr


def test_a_syntax_error_looks_like_pythons(tmp_path):
    script = tmp_path / "bad.py"
    script.write_text("x = (\n")
    result = gilsim("races", str(script))
    assert result.returncode == 1
    assert "SyntaxError" in result.stderr and "Traceback" not in result.stderr
