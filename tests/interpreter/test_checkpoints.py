"""``--checkpoints``: where a thread polls ``eval_breaker`` under 3.9, 3.10 and 3.11, put on
the host's 3.11 bytecode (``docs/model/gil.md`` §2.1-2.3)."""

from __future__ import annotations

import collections
import textwrap
from pathlib import Path

import pytest

import gilsim
from gilsim import cli
from gilsim.config import Config
from gilsim.disassemble import disassemble
from gilsim.errors import ConfigurationError
from gilsim.gil.watch import Watcher, where_of
from gilsim.interpreter import blocks, checkpoints
from gilsim.interpreter.opcodes import shared_table
from gilsim.program import run_main

LOOP = """\
counter = 0
L = [1]

def g():
    return 1

def inc(n):
    global counter
    for _ in range(n):
        counter += 1

def with_len(n):
    global counter
    for _ in range(n):
        counter = counter + len(L)

def with_call(n):
    global counter
    for _ in range(n):
        counter = counter + g()

{body}({n})
print(counter)
"""


class _Counting(Watcher):
    """Counts the check points each function passes, and the instruction each followed."""

    def __init__(self) -> None:
        super().__init__()
        self.by_function: collections.Counter[str] = collections.Counter()
        self.after: collections.Counter[tuple[str, str]] = collections.Counter()

    def check_point(self, holder, waiting):  # type: ignore[no-untyped-def]
        where = where_of(holder)
        if where is not None:
            self.by_function[where.function] += 1
            self.after[(where.function, where.opname)] += 1
        return super().check_point(holder, waiting)


class _Install:
    """A "chooser" for ``run_main`` that only installs a watcher."""

    def __init__(self, watcher: Watcher) -> None:
        self.watcher = watcher

    def machine_spec(self, spec):  # type: ignore[no-untyped-def]
        return spec

    def install(self, interp) -> None:  # type: ignore[no-untyped-def]
        interp.gil.watch(self.watcher)


def check_points(body: str, n: int, version: str) -> _Counting:
    watcher = _Counting()
    source = LOOP.format(body=body, n=n)
    outcome = run_main(source, "<string>", ["-c"], Config(checkpoints=version), _Install(watcher))
    assert outcome.exit_status == 0
    return watcher


def per_iteration(body: str, version: str, function: str | None = None) -> int:
    """Check points per loop iteration in ``body`` (and what it calls), all functions or one."""

    def count(n: int) -> int:
        counted = check_points(body, n, version).by_function
        return counted[function] if function else sum(counted.values())

    return count(11) - count(10)


@pytest.mark.parametrize(
    ("body", "version", "expected"),
    [
        # 3.11: the back edge only; the Python call adds g's RESUME.
        ("inc", "3.11", 1),
        ("with_len", "3.11", 1),
        ("with_call", "3.11", 2),
        # 3.10: and after every call (len too), and after g returns to its CALL.
        ("inc", "3.10", 1),
        ("with_len", "3.10", 2),
        ("with_call", "3.10", 3),
        # 3.9: FOR_ITER, LOAD_GLOBAL, BINARY_OP, STORE_GLOBAL, JUMP_BACKWARD.
        ("inc", "3.9", 5),
        # FOR_ITER, 3 LOAD_GLOBALs, CALL, BINARY_OP, STORE_GLOBAL, JUMP_BACKWARD.
        ("with_len", "3.9", 8),
        # FOR_ITER, 2 LOAD_GLOBALs, RESUME, the return, BINARY_OP, STORE_GLOBAL, JUMP_BACKWARD.
        ("with_call", "3.9", 8),
    ],
)
@pytest.mark.feature("interpreter")
def test_check_points_per_iteration(body, version, expected):
    assert per_iteration(body, version) == expected


@pytest.mark.parametrize("version", ["3.10", "3.11", "3.12", "3.13"])
@pytest.mark.feature("interpreter")
def test_no_check_between_the_load_and_the_store_of_plus_equals(version):
    after = check_points("inc", 10, version).after
    assert after[("inc", "LOAD_GLOBAL")] == after[("inc", "BINARY_OP")] == 0


@pytest.mark.feature("interpreter")
def test_39_checks_after_the_load_and_after_the_add():
    """§2.3: in ``counter += 1`` 3.9 checks before ``LOAD_CONST`` and before ``STORE_GLOBAL``."""
    after = check_points("inc", 10, "3.9").after
    assert after[("inc", "LOAD_GLOBAL")] == 10 + 1  # and once for ``range``
    assert after[("inc", "BINARY_OP")] == 10
    assert after[("inc", "STORE_GLOBAL")] == 10
    assert after[("inc", "LOAD_CONST")] == 0


@pytest.mark.feature("interpreter")
def test_39_jumps_on_an_exact_bool_do_not_check():
    """``while i < n`` jumps on a bool: the check is after ``COMPARE_OP``, not the jump."""
    source = "def f(n):\n    i = 0\n    while i < n:\n        i = i + 1\n"
    tables = checkpoints.table("3.9", shared_table())
    handler = tables["POP_JUMP_BACKWARD_IF_TRUE"]
    assert handler is not shared_table()["POP_JUMP_BACKWARD_IF_TRUE"]
    text = disassemble(compile(source, "f.py", "exec"), "3.9")
    assert _marked(text, "COMPARE_OP") and _marked(text, "BINARY_OP")
    assert "unless the operand is True or False" in _line(text, "POP_JUMP_BACKWARD_IF_TRUE")


def test_the_311_table_is_the_shared_one():
    """The default keeps its fast path: no wrapper at all."""
    assert checkpoints.table("3.11", shared_table()) is shared_table()
    assert checkpoints.table("3.9", shared_table()) is checkpoints.table("3.9", shared_table())


# -- gilsim dis --checkpoints -------------------------------------------------------------------


def _line(text: str, opname: str) -> str:
    return next(line for line in text.splitlines() if f" {opname} " in f"{line} ")


def _marked(text: str, opname: str) -> bool:
    return "<- check point" in _line(text, opname)


def dis_output(tmp_path: Path, capsys, version: str) -> str:
    path = tmp_path / "loop.py"
    path.write_text(
        textwrap.dedent(
            """\
            counter = 0
            def work(n):
                global counter
                for _ in range(n):
                    counter += 1
                print(len([counter]))
            """
        )
    )
    assert cli.main(["dis", "--checkpoints", version, str(path)]) == 0
    return capsys.readouterr().out.split("Disassembly of work")[1]


@pytest.mark.feature("interpreter")
def test_dis_39_marks_the_load_the_add_and_the_store(tmp_path, capsys):
    text = dis_output(tmp_path, capsys, "3.9")
    for opname in ("LOAD_GLOBAL", "BINARY_OP", "STORE_GLOBAL", "FOR_ITER", "JUMP_BACKWARD"):
        assert _marked(text, opname), opname
    for opname in ("LOAD_CONST", "LOAD_FAST", "STORE_FAST", "POP_TOP", "PRECALL"):
        assert not _marked(text, opname), opname


@pytest.mark.feature("interpreter")
def test_dis_310_marks_calls_back_edges_and_entry(tmp_path, capsys):
    text = dis_output(tmp_path, capsys, "3.10")
    for opname in ("RESUME", "JUMP_BACKWARD"):
        assert _marked(text, opname), opname
    calls = [line for line in text.splitlines() if " CALL " in line]
    assert len(calls) == 3 and all("<- check point" in line for line in calls)  # len() too
    for opname in ("LOAD_GLOBAL", "BINARY_OP", "STORE_GLOBAL", "FOR_ITER"):
        assert not _marked(text, opname), opname


@pytest.mark.feature("interpreter")
def test_dis_311_by_default_leaves_len_unchecked(tmp_path, capsys):
    text = dis_output(tmp_path, capsys, "3.11")
    assert "no check: len() is specialized without one" in text
    assert not _marked(text, "LOAD_GLOBAL")


# -- the tables in use ------------------------------------------------------------------------

THREADED = """\
import threading
total = 0
lock = threading.Lock()
def work(k):
    global total
    for i in range(2000):
        with lock:
            total += i % 7
    return k
results = []
threads = [threading.Thread(target=lambda k=k: results.append(work(k))) for k in range(3)]
for t in threads:
    t.start()
for t in threads:
    t.join()
print(total, sorted(results))
"""


@pytest.mark.parametrize("version", ["3.9", "3.10"])
@pytest.mark.feature("interpreter")
def test_blocks_and_instructions_agree(version, monkeypatch):
    """Same output, instructions and virtual time with and without compiled blocks (older
    versions run one instruction at a time: ``blocks.compile_block`` makes none for them)."""
    results = []
    for enabled in (True, False):
        monkeypatch.setattr(blocks, "ENABLED", enabled)
        results.append(gilsim.run(source=THREADED, checkpoints=version, switch_interval_ns=50_000))
    compiled, one_by_one = results
    assert compiled.exit_status == one_by_one.exit_status == 0
    assert compiled.stdout == one_by_one.stdout
    assert compiled.instructions == one_by_one.instructions
    assert compiled.virtual_time_ns == one_by_one.virtual_time_ns
    assert compiled.summary["gil"]["forced_switches"] > 0  # the threads did switch


@pytest.mark.feature("interpreter", "processes")
def test_a_fork_child_keeps_its_parents_check_points():
    source = textwrap.dedent(
        """\
        import os
        counter = 0
        pid = os.fork()
        if pid == 0:
            for _ in range(3):
                counter += 1
            os._exit(counter)
        print(os.waitpid(pid, 0)[1] >> 8)
        """
    )
    seen: list[str] = []
    original = gilsim.processes.fork.state.InterpreterState.decoded

    def decoded(self, code):  # type: ignore[no-untyped-def]
        seen.append(self.checkpoints)
        return original(self, code)

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(gilsim.processes.fork.state.InterpreterState, "decoded", decoded)
        result = gilsim.run(source=source, checkpoints="3.9")
    assert result.stdout == "3\n"
    assert set(seen) == {"3.9"}


def test_an_unknown_version_is_refused_with_the_choices():
    with pytest.raises(ConfigurationError, match=r"3\.8.*3\.9, 3\.10, 3\.11"):
        gilsim.run(source="pass", checkpoints="3.8")


@pytest.mark.parametrize("command", ["run", "dis", "races", "explore"])
@pytest.mark.feature("interpreter")
def test_the_command_line_names_the_choices(command, capsys):
    with pytest.raises(SystemExit):
        cli.main([command, "--checkpoints", "3.8", "x.py"])
    assert "choose from '3.9', '3.10', '3.11'" in capsys.readouterr().err
