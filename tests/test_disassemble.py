"""``gilsim dis``: the check points of the Python gilsim runs on (3.11, 3.12, 3.13) and the
likely releases, marked where they are (``docs/model/gil.md`` §2.1, §2.4, §2.5, §4)."""

import dis
import subprocess
import sys

import pytest

from gilsim.disassemble import CHECK, RELEASE, marks

SOURCE = """
import time
def work(lock, items):
    lock.acquire()
    for i in range(3):
        items.append(len(items))
        time.sleep(0)
    while items:
        items.pop()
    return abs(-1)
"""


def work_marks():
    code = compile(SOURCE, "<work>", "exec")
    work = next(c for c in code.co_consts if getattr(c, "co_name", "") == "work")
    by_offset = {ins.offset: ins for ins in dis.get_instructions(work)}
    return [(by_offset[offset], mark) for offset, mark in sorted(marks(work).items())]


@pytest.mark.feature("interpreter")
def test_check_points_are_where_311_checks():
    found = work_marks()
    kinds = [(ins.opname, mark.split(" (")[0]) for ins, mark in found]
    assert kinds[0] == ("RESUME", CHECK)
    assert ("JUMP_BACKWARD", CHECK) in kinds
    assert ("POP_JUMP_BACKWARD_IF_TRUE", CHECK) in kinds  # the bottom test of `while items`


@pytest.mark.skipif(sys.version_info < (3, 12), reason="the check points of 3.12 and 3.13")
def test_check_points_are_where_312_and_313_check():
    """Both loops close with ``JUMP_BACKWARD`` (3.12 has no backward conditional jump), which
    checks; no conditional jump does."""
    kinds = [(ins.opname, mark.split(" (")[0]) for ins, mark in work_marks()]
    assert kinds[0] == ("RESUME", CHECK)
    assert kinds.count(("JUMP_BACKWARD", CHECK)) == 2
    assert not any(opname.startswith("POP_JUMP") for opname, _ in kinds)


def test_calls_are_told_by_their_callee():
    calls = [mark for ins, mark in work_marks() if ins.opname == "CALL"]
    assert calls == [
        f"{RELEASE} (acquire) and {CHECK}",
        f"{CHECK} (after the call, unless the callee is Python code)",  # range(3)
        "no check: len() is specialized without one",
        "no check: append() is specialized without one",
        f"{RELEASE} (sleep) and {CHECK}",
        f"{CHECK} (after the call, unless the callee is Python code)",  # items.pop()
        f"{CHECK} (after the call, unless the callee is Python code)",  # abs(-1)
    ]


def test_the_command_prints_every_function(tmp_path):
    script = tmp_path / "work.py"
    script.write_text(SOURCE)
    result = subprocess.run(
        [sys.executable, "-m", "gilsim", "dis", str(script)], capture_output=True, text=True
    )
    assert result.returncode == 0, result.stderr
    assert "Disassembly of <module>" in result.stdout
    assert "Disassembly of work" in result.stdout
    assert result.stdout.count(CHECK) >= 6
