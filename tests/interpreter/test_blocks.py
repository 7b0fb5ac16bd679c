"""Compiled basic blocks change how fast gilsim runs, never what it computes or charges:
the same output, the same instruction count and the same virtual time as running every
instruction through its handler."""

import gc
from pathlib import Path

import pytest

import gilsim
from gilsim.interpreter import blocks, state

ROOT = Path(__file__).parent.parent.parent
# Not the programs of several threads (multiprocessing's Queue and Pool have threads too):
# where a thread stops for the next event depends on the size of its step, a block or an
# instruction, and with another thread runnable that moves a switch by nanoseconds.  What
# they print is checked both ways against CPython (``tests/differential``, two modes).
PROGRAMS = sorted(
    p
    for p in (ROOT / "tests" / "differential" / "programs").glob("*.py")
    if not p.name.startswith(("lib_", "thread_", "async_asyncio", "proc_mp_"))
)
KERNELS = sorted((ROOT / "benchmarks" / "kernels").glob("*.py"))


def run_both(path: Path, argv: list[str], monkeypatch: pytest.MonkeyPatch):
    # What an earlier run in this process left to the host's collector (a finalizer at exit:
    # ``basic_finalizers_at_exit``) goes now, outside any run, where it runs nothing
    # (``eval.call_from_native``): not inside these runs, printing into their output.
    state.current = None
    gc.collect()
    monkeypatch.chdir(path.parent)
    # A program's first run writes the bytecode caches of its own modules (``__pycache__``,
    # as CPython does, and charged as CPython's import system runs it), which every later run
    # reads: the two runs compared both find them written.
    gilsim.run(path.name, argv=[path.name, *argv])
    results = []
    for enabled in (True, False):
        monkeypatch.setattr(blocks, "ENABLED", enabled)
        results.append(gilsim.run(path.name, argv=[path.name, *argv]))
    return results


@pytest.mark.parametrize("program", PROGRAMS, ids=lambda p: p.stem)
def test_blocks_charge_exactly_what_instructions_charge(program, monkeypatch):
    compiled, one_by_one = run_both(program, [], monkeypatch)
    assert compiled.stdout == one_by_one.stdout
    assert compiled.instructions == one_by_one.instructions
    assert compiled.virtual_time_ns == one_by_one.virtual_time_ns


@pytest.mark.parametrize("kernel", KERNELS, ids=lambda p: p.stem)
def test_kernels_agree_in_both_modes(kernel, monkeypatch):
    compiled, one_by_one = run_both(kernel, ["300"], monkeypatch)
    assert compiled.exit_status == one_by_one.exit_status == 0
    assert compiled.stdout == one_by_one.stdout
    assert (compiled.instructions, compiled.virtual_time_ns) == (
        one_by_one.instructions,
        one_by_one.virtual_time_ns,
    )


def test_the_written_out_frame_sets_every_field_of_frame():
    from gilsim.interpreter.frame import Frame

    assert sorted(field for field, _value in blocks._FRAME_FIELDS) == sorted(Frame.__slots__)
