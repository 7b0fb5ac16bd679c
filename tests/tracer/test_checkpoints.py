"""Other versions' check points on the host's bytecode (``gilsim.tracer.checkpoints``):
3.9 checks after every instruction but the fast ones, 3.10 after every call and on entering
a handler, each where the host raises no event of its own."""

import dis
import sys
import textwrap

import pytest

import gilsim

pytestmark = pytest.mark.skipif(sys.version_info < (3, 12), reason="the host's interpreter")


def inc():
    global counter
    for _ in range(3):
        counter += 1


def add_len(items):
    global counter
    for _ in range(3):
        counter = counter + len(items)


def handler():
    try:
        raise ValueError
    except ValueError:
        return 1


def before(function, version):
    """The names of the instructions before which ``version`` checks in ``function``."""
    from gilsim.tracer.checkpoints import checks_after

    offsets = checks_after(function.__code__, version)
    return [i.opname for i in dis.get_instructions(function.__code__) if i.offset in offsets]


def test_39_checks_after_the_load_and_after_the_add():
    """``counter += 1``: after ``LOAD_GLOBAL`` (before the constant) and after
    ``BINARY_OP`` (before the store), and after ``FOR_ITER`` and the store."""
    names = before(inc, "3.9")
    assert "LOAD_CONST" in names and "STORE_GLOBAL" in names, names
    assert "STORE_FAST" in names  # after FOR_ITER
    assert "JUMP_BACKWARD" in names  # after STORE_GLOBAL


def test_310_adds_nothing_to_plus_equals_but_checks_after_len():
    assert before(inc, "3.10") == ["GET_ITER"]  # after ``range(3)`` only
    assert before(add_len, "3.10") == ["GET_ITER", "BINARY_OP"]


def test_310_checks_on_entering_a_handler():
    names = before(handler, "3.10")
    assert len(names) == 1
    instructions = list(dis.get_instructions(handler.__code__))
    pushes = [n for n, i in enumerate(instructions) if i.opname == "PUSH_EXC_INFO"]
    assert instructions[pushes[0] + 1].opname == names[0]


CLASS_CALL = textwrap.dedent(
    """
    class Point:
        def __init__(self, x):
            self.x = x
    total = 0
    for i in range(5):
        total += Point(i).x
    print(total)
    """
)


@pytest.mark.parametrize("version", ["3.9", "3.10", "3.11", "3.12", "3.13"])
def test_every_version_runs_on_the_host(version):
    """Each version's check points run the same program to the same output."""
    result = gilsim.run(source=CLASS_CALL, checkpoints=version)
    assert (result.exit_status, result.stdout) == (0, "10\n"), result.stderr


def test_a_class_call_checks_after_it_returns_unless_313():
    """3.13 runs a Python ``__init__`` inline (``CALL_ALLOC_AND_ENTER_INIT``) and does not
    check after the call; the versions before it do."""
    from gilsim.tracer import checkpoints

    assert [checkpoints.init_call_checks(v) for v in ("3.9", "3.11", "3.12", "3.13")] == [
        True,
        True,
        True,
        False,
    ]


def test_dis_marks_39s_further_check_points(tmp_path, capsys):
    """``gilsim dis --checkpoints 3.9`` on the host: the store of ``counter += 1`` has 3.9's
    check before it; without the option, only the host's loop back edge."""
    from gilsim import cli

    script = tmp_path / "inc.py"
    script.write_text("counter = 0\nfor _ in range(3):\n    counter += 1\n")
    cli.main(["dis", "--checkpoints", "3.9", str(script)])
    older = capsys.readouterr().out
    cli.main(["dis", str(script)])
    own = capsys.readouterr().out
    store = [line for line in older.splitlines() if "STORE_NAME" in line and "counter" in line]
    assert "(3.9: before this instruction)" in store[-1], older  # the loop's, not ``= 0``
    assert "3.9" not in own
