"""``gilsim render`` as a user meets it: the pictures it writes, the program's output passed
through, clear refusals, and DOT with a how-to where Graphviz is missing.  Also the result
object's pictures (Jupyter) and ``--perfetto`` on the command line."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

import gilsim

ROOT = Path(__file__).resolve().parents[2]
EXAMPLES = ROOT / "examples"
needs_graphviz = pytest.mark.skipif(shutil.which("neato") is None, reason="Graphviz not installed")


def gilsim_cli(*args, env=None, cwd=None):
    return subprocess.run(
        [sys.executable, "-m", "gilsim", *args],
        capture_output=True,
        text=True,
        timeout=300,
        env=env,
        cwd=cwd,
    )


@needs_graphviz
@pytest.mark.parametrize("kind", ["timeline", "graph"])
def test_render_writes_an_svg_and_passes_the_output_through(tmp_path, kind):
    out = tmp_path / f"{kind}.svg"
    result = gilsim_cli(
        "render", "-o", str(out), "--kind", kind, str(EXAMPLES / "bank_transfer.py")
    )
    plain = gilsim.run(EXAMPLES / "bank_transfer.py")
    assert result.returncode == 0, result.stderr
    assert result.stdout == plain.stdout
    assert f"gilsim: render: wrote the {kind} to {out}" in result.stderr
    svg = out.read_text()
    assert svg.startswith("<?xml") and "<svg" in svg
    assert "MainThread" in svg


@needs_graphviz
def test_render_graph_with_races_draws_race_edges(tmp_path):
    out = tmp_path / "graph.dot"
    result = gilsim_cli(
        "render", "--races", "-o", str(out), "--kind", "graph", str(EXAMPLES / "check_then_act.py")
    )
    assert result.returncode == 0, result.stderr
    assert "gilsim: races:" in result.stderr
    assert "race on " in out.read_text()


@needs_graphviz
def test_render_png_of_a_window(tmp_path):
    out = tmp_path / "two.png"
    result = gilsim_cli(
        "render", "-o", str(out), "--window", "10ms:40ms", str(EXAMPLES / "two_cpu_threads.py")
    )
    assert result.returncode == 0, result.stderr
    assert out.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


@needs_graphviz
def test_render_race_draws_the_lost_update(tmp_path):
    out = tmp_path / "race.dot"
    result = gilsim_cli(
        "render", "-o", str(out), "--kind", "race", str(EXAMPLES / "lost_update.py")
    )
    assert result.returncode == 0, result.stderr
    dot = out.read_text()
    assert "lost update of counter" in dot
    assert "reads counter" in dot and "writes counter" in dot
    assert "GIL:" in dot and "drop request at line 22 (RESUME in increment())" in dot


def test_without_graphviz_the_dot_file_is_written_with_how_to(tmp_path):
    """With no Graphviz on PATH, the DOT source is written next to the asked-for file and
    the message says how to draw it; the exit status is the program's."""
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    os.symlink(sys.executable, bin_dir / "python")
    env = {**os.environ, "PATH": str(bin_dir)}
    out = tmp_path / "convoy.png"
    result = gilsim_cli(
        "render",
        "-o",
        str(out),
        "--max-time",
        "20ms",
        str(EXAMPLES / "two_cpu_threads.py"),
        env=env,
    )
    assert not out.exists()
    dot_file = tmp_path / "convoy.dot"
    assert dot_file.read_text().startswith("graph timeline {")
    assert "Graphviz's neato is not installed" in result.stderr
    assert f"neato -n2 -Tpng {dot_file} -o {tmp_path / 'convoy.png'}" in result.stderr
    assert "Traceback" not in result.stderr
    assert result.returncode == 3  # the run stopped at --max-time; what it recorded is drawn


@pytest.mark.parametrize(
    "args, message",
    [
        (["-o", "x.gif"], "name it .svg, .png or .dot"),
        (["-o", "x.svg", "--window", "5ms"], "give START:END"),
        (["-o", "x.svg", "--kind", "race"], "no race found"),
    ],
)
def test_render_refusals_are_one_line(tmp_path, args, message):
    result = gilsim_cli("render", *args, str(EXAMPLES / "bank_interest.py"), cwd=tmp_path)
    assert result.returncode in (1, 2)
    assert message in result.stderr
    assert "Traceback" not in result.stderr


def test_render_needs_an_output():
    result = gilsim_cli("render", str(EXAMPLES / "bank_interest.py"))
    assert result.returncode == 2 and "-o FILE" in result.stderr


@needs_graphviz
def test_render_options_may_follow_the_script_and_its_arguments(tmp_path):
    """`gilsim render SCRIPT ARGS -o FILE --kind K` as the issue writes it; the program
    gets only its own arguments."""
    script = tmp_path / "args.py"
    script.write_text("import sys\nprint(sys.argv[1:])\n")
    out = tmp_path / "t.svg"
    result = gilsim_cli("render", str(script), "a", "-b", "-o", str(out), "--kind", "graph")
    assert result.returncode == 0, result.stderr
    assert result.stdout == "['a', '-b']\n"
    assert "wrote the graph" in result.stderr and out.exists()
    # Given before the script, render's options leave everything after it to the program.
    result = gilsim_cli("render", "-o", str(out), str(script), "-o", "x.svg")
    assert result.stdout == "['-o', 'x.svg']\n"


def test_run_writes_a_perfetto_file(tmp_path):
    out = tmp_path / "run.json"
    result = gilsim_cli("run", "--perfetto", str(out), str(EXAMPLES / "bank_transfer.py"))
    assert result.returncode == 0, result.stderr
    events = json.loads(out.read_text())["traceEvents"]
    names = {e["args"]["name"] for e in events if e.get("name") == "thread_name"}
    assert {
        "MainThread",
        "Thread-1 (transfer)",
        "Thread-2 (audit)",
    } <= names or "MainThread" in names


def test_explore_refuses_perfetto(tmp_path):
    result = gilsim_cli(
        "explore", "--perfetto", str(tmp_path / "x.json"), str(EXAMPLES / "bank_transfer.py")
    )
    assert result.returncode == 2
    assert "--perfetto records one run" in result.stderr


@needs_graphviz
def test_a_result_shows_in_jupyter_as_its_timeline():
    result = gilsim.run(EXAMPLES / "bank_transfer.py", trace=True)
    svg = result._repr_svg_()
    assert svg is not None and "<svg" in svg and "MainThread" in svg
    assert gilsim.run(EXAMPLES / "bank_transfer.py")._repr_svg_() is None  # no trace kept


def test_a_result_without_a_trace_says_how_to_get_one():
    result = gilsim.run(source="print(1)")
    with pytest.raises(gilsim.ConfigurationError, match="trace=True"):
        result.timeline()
