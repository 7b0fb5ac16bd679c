"""The files gilsim writes and the streams a program may break: a file an option names that
cannot be written is refused before the program runs (one ``gilsim:`` line, status 2,
nothing left behind); one that fails at the end is one line and the others are still
written; a program that closes or breaks its stdout or stderr loses gilsim neither its
messages, nor its files, nor its exit status, and ends as CPython ends it."""

import json
import os
import subprocess
import sys
import threading

import pytest

# Buffering decides when a write to a broken stdout fails (at the print, or at the end):
# run gilsim and CPython with the buffering a program has by default.
ENV = {name: value for name, value in os.environ.items() if name != "PYTHONUNBUFFERED"}
GILSIM = [sys.executable, "-m", "gilsim"]


def run(command, cwd=None, stdout=subprocess.PIPE):
    return subprocess.run(
        command, stdout=stdout, stderr=subprocess.PIPE, text=True, env=ENV, cwd=cwd, timeout=120
    )


def gilsim(*args, **kwargs):
    return run([*GILSIM, *args], **kwargs)


@pytest.fixture
def program(tmp_path):
    """A program that prints and makes a file: neither may happen when a run is refused."""
    path = tmp_path / "prog.py"
    path.write_text("print('ran')\nopen('made-by-the-program', 'w').close()\n")
    return path


def assert_refused(result, tmp_path, option, path, reason):
    assert result.returncode == 2
    assert result.stdout == ""
    assert result.stderr.splitlines() == [f"gilsim: cannot write {option} {path}: {reason}"]
    assert not (tmp_path / "made-by-the-program").exists()


@pytest.mark.parametrize(
    "command, option, where, reason",
    [
        ("run", "--json", "/proc/gilsim-x.json", "No such file or directory"),
        ("run", "--trace", "{tmp}/missing/trace.jsonl", "No such file or directory"),
        ("run", "--perfetto", "{tmp}", "Is a directory"),
        ("races", "--json", "{tmp}/missing/races.json", "No such file or directory"),
        ("render", "-o", "{tmp}/missing/run.svg", "No such file or directory"),
        ("render", "--json", "{tmp}", "Is a directory"),
        ("explore", "--json", "/proc/gilsim-x.json", "No such file or directory"),
    ],
)
def test_an_unwritable_file_is_refused_before_the_program_runs(
    tmp_path, program, command, option, where, reason
):
    path = where.format(tmp=tmp_path)
    args = [command, option, path]
    if command == "render" and option != "-o":
        args += ["-o", str(tmp_path / "run.svg")]
    result = gilsim(*args, str(program), cwd=tmp_path)
    assert_refused(result, tmp_path, option, path, reason)
    assert not (tmp_path / "run.svg").exists()


@pytest.mark.skipif(os.geteuid() == 0, reason="root may write a read-only file")
def test_a_read_only_file_is_refused(tmp_path, program):
    path = tmp_path / "summary.json"
    path.write_text("old\n")
    path.chmod(0o444)
    result = gilsim("run", "--json", str(path), str(program), cwd=tmp_path)
    assert_refused(result, tmp_path, "--json", path, "Permission denied")
    assert path.read_text() == "old\n"


def test_the_check_leaves_no_file_and_changes_none(tmp_path, program):
    """The files that could be written are neither made nor truncated by the check of a
    run that is then refused for another."""
    existing = tmp_path / "old.json"
    existing.write_text("old\n")
    new = tmp_path / "new.jsonl"
    missing = tmp_path / "missing" / "run.json"
    result = gilsim(
        "run",
        "--json",
        str(existing),
        "--trace",
        str(new),
        "--perfetto",
        str(missing),
        str(program),
        cwd=tmp_path,
    )
    assert_refused(result, tmp_path, "--perfetto", missing, "No such file or directory")
    assert existing.read_text() == "old\n"
    assert not new.exists()


def test_a_fifo_is_checked_without_waiting_for_its_reader(tmp_path, program):
    """Opening a FIFO to check it would wait for a reader: the trace arrives whole."""
    fifo = tmp_path / "trace.fifo"
    os.mkfifo(fifo)
    received = []
    reader = threading.Thread(target=lambda: received.append(fifo.read_text()))
    reader.start()
    result = gilsim("run", "--trace", str(fifo), str(program), cwd=tmp_path)
    reader.join(timeout=60)
    assert result.returncode == 0, result.stderr
    events = [json.loads(line) for line in received[0].splitlines()]
    assert events[-1]["event"] == "run_end"


def test_a_write_that_fails_at_the_end_is_one_line_and_the_others_are_written(tmp_path):
    """/dev/full takes an open and fails every write (ENOSPC): the disk filled up during
    the run.  The trace is still written; the run's 0 becomes 1."""
    script = tmp_path / "ok.py"
    script.write_text("print('hello')\n")
    trace = tmp_path / "trace.jsonl"
    result = gilsim("run", "--json", "/dev/full", "--trace", str(trace), str(script))
    assert result.returncode == 1
    assert result.stdout == "hello\n"
    assert result.stderr.splitlines() == [
        "gilsim: cannot write --json /dev/full: No space left on device"
    ]
    assert json.loads(trace.read_text().splitlines()[-1])["event"] == "run_end"


def test_a_failed_write_keeps_a_failing_programs_status(tmp_path):
    script = tmp_path / "four.py"
    script.write_text("import sys\nsys.exit(4)\n")
    result = gilsim("run", "--json", "/dev/full", str(script))
    assert result.returncode == 4
    assert result.stderr.splitlines() == [
        "gilsim: cannot write --json /dev/full: No space left on device"
    ]


@pytest.mark.parametrize("command", ["render", "explore"])
def test_a_folder_removed_during_the_run_is_told_for_each_file(tmp_path, command):
    script = tmp_path / "remove.py"
    script.write_text("import shutil, sys\nprint('removing')\nshutil.rmtree(sys.argv[1])\n")
    folder = tmp_path / "out"
    folder.mkdir()
    files = ["--json", str(folder / "run.json")]
    if command == "render":
        files += ["-o", str(folder / "run.svg")]
    result = gilsim(command, *files, str(script), str(folder))
    assert result.returncode == 1
    assert "removing" in result.stdout
    told = [
        f"gilsim: cannot write {option} {path}: No such file or directory"
        for option, path in zip(files[::2], files[1::2], strict=True)
    ]
    assert without_search_size(result.stderr, script) == told


def without_search_size(stderr, script):
    """The lines of ``stderr`` less the two with which ``gilsim explore`` tells the size of
    its search before it starts (``gilsim.schedules.size.describe``)."""
    announced = (f"gilsim: {script.name}: the default run met ", "gilsim: exhaustive search ")
    lines = stderr.splitlines()
    assert [line for line in lines if line.startswith(announced)] in ([], lines[:2])
    return [line for line in lines if not line.startswith(announced)]


# -- a program that breaks its own streams ------------------------------------------------

SPIN = "while True:\n    pass\n"


@pytest.mark.parametrize(
    "breaks",
    [
        "import sys\nsys.stderr.close()\n",
        "import os\nos.close(2)\n",
        "import sys\nsys.stderr = None\nsys.__stderr__ = None\n",
    ],
)
def test_a_program_that_closes_stderr_keeps_gilsims_message_file_and_status(tmp_path, breaks):
    script = tmp_path / "spin.py"
    script.write_text(f"print('start', flush=True)\n{breaks}{SPIN}")
    summary = tmp_path / "run.json"
    result = gilsim("run", "--max-instructions", "20000", "--json", str(summary), str(script))
    assert result.returncode == 3
    assert result.stdout == "start\n"
    (line,) = result.stderr.splitlines()
    assert line.startswith("gilsim: the program ran past --max-instructions 20000")
    assert json.loads(summary.read_text())["exit_status"] == 3


def test_a_file_the_program_opens_on_descriptor_2_does_not_get_gilsims_message(tmp_path):
    script = tmp_path / "reuse.py"
    script.write_text(
        "import os\nos.close(2)\nlog = open('log.txt', 'w')\n"
        "print(log.fileno(), flush=True)\nprint('its own', file=log, flush=True)\n" + SPIN
    )
    result = gilsim("run", "--max-instructions", "20000", str(script), cwd=tmp_path)
    assert result.returncode == 3
    assert result.stdout == "2\n"  # as CPython: the lowest free descriptor
    assert (tmp_path / "log.txt").read_text() == "its own\n"
    assert result.stderr.startswith("gilsim: the program ran past --max-instructions")


def test_gilsims_reports_reach_stderr_after_the_program_closed_its_streams(tmp_path):
    script = tmp_path / "quiet.py"
    script.write_text(
        "import sys\ncounted = [1]\nprint('out')\n"
        "sys.stdout = None\nsys.stderr.close()\nsys.stderr = None\n"
    )
    result = gilsim("races", "--refcount", "counted", "--refcount", "nope", str(script))
    assert result.returncode == 0
    assert result.stdout == "out\n"
    assert "gilsim: races: no races found" in result.stderr.splitlines()
    assert "gilsim: --refcount nope: the program never bound a global named 'nope'" in (
        result.stderr.splitlines()
    )
    assert "Traceback" not in result.stderr


def python_and_gilsim(script, tmp_path, stdout=subprocess.PIPE):
    """The program under CPython and under ``gilsim run --json``: both results, and the
    exit status the summary says."""
    summary = tmp_path / "run.json"
    theirs = run([sys.executable, str(script)], cwd=tmp_path, stdout=stdout)
    ours = gilsim("run", "--json", str(summary), str(script), cwd=tmp_path, stdout=stdout)
    return theirs, ours, json.loads(summary.read_text())["exit_status"]


@pytest.mark.parametrize(
    "source",
    [
        "import sys\nsys.stdout = None\nprint('gone')\n",
        "import os\nos.close(1)\nprint('lost')\n",  # fails as the program ends: 120
        "import os, sys\nos.close(1)\nprint('lost')\nsys.exit(3)\n",  # 120 too
        "import sys\nprint('x')\nsys.stdout.close()\nprint('y')\n",
    ],
)
def test_a_program_that_breaks_its_stdout_ends_as_in_cpython(tmp_path, source):
    script = tmp_path / "prog.py"
    script.write_text(source)
    with open(tmp_path / "python.out", "w") as out:
        theirs = run([sys.executable, str(script)], cwd=tmp_path, stdout=out)
    summary = tmp_path / "run.json"
    with open(tmp_path / "gilsim.out", "w") as out:
        ours = gilsim("run", "--json", str(summary), str(script), cwd=tmp_path, stdout=out)
    assert ours.returncode == theirs.returncode
    assert ours.stderr == theirs.stderr
    assert (tmp_path / "gilsim.out").read_text() == (tmp_path / "python.out").read_text()
    assert json.loads(summary.read_text())["exit_status"] == theirs.returncode


def without_reader(command, cwd):
    """Run ``command`` with a stdout pipe whose reader has gone (``... | head -0``): closed
    before the program's first write, which comes after its interpreter starts."""
    process = subprocess.Popen(
        command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=ENV, cwd=cwd
    )
    process.stdout.close()
    stderr = process.stderr.read()
    process.wait(timeout=120)
    return process.returncode, stderr


@pytest.mark.parametrize(
    "source",
    [
        "print('x')\n",  # buffered, fails as the program ends: 120
        "for i in range(100_000):\n    print(i)\n",  # fails at a print: a traceback, 1
        "import sys\nprint('x')\nsys.exit(5)\n",
    ],
)
def test_a_stdout_whose_reader_has_gone_ends_as_in_cpython(tmp_path, source):
    script = tmp_path / "prog.py"
    script.write_text(source)
    summary = tmp_path / "run.json"
    theirs = without_reader([sys.executable, str(script)], tmp_path)
    ours = without_reader([*GILSIM, "run", "--json", str(summary), str(script)], tmp_path)
    assert ours == theirs
    assert json.loads(summary.read_text())["exit_status"] == theirs[0]


def test_explore_with_no_reader_of_its_report_still_writes_its_json(tmp_path):
    script = tmp_path / "prog.py"
    script.write_text("print('x')\n")
    summary = tmp_path / "found.json"
    status, stderr = without_reader(
        [*GILSIM, "explore", "--json", str(summary), str(script)], tmp_path
    )
    assert (status, without_search_size(stderr, script)) == (0, [])
    assert json.loads(summary.read_text())["schedules_explored"] == 1
