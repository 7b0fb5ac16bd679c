"""Recording costs nothing when off, records library code never, and records the same
accesses whether or not code runs as compiled blocks (gilsim's own interpreter: its handler
tables and compiled blocks; ``test_hostrecording`` has the same for the host's)."""

from __future__ import annotations

import pytest

import gilsim
from gilsim.config import Config
from gilsim.interpreter import blocks
from gilsim.interpreter.opcodes import table
from gilsim.program import new_interpreter, run_main
from gilsim.races.recording import WRAPPERS
from tests.races import programs

NORMAL = set(table().values())


def decoded_handlers(config: Config, source: str) -> set[object]:
    interp = new_interpreter(config)
    code = compile(source, "<string>", "exec")
    return {entry[0] for entry in interp.decoded(code).instructions}


@pytest.mark.feature("interpreter")
def test_a_normal_run_decodes_with_the_normal_handlers_only():
    """Without ``races`` no recording handler is ever decoded (nothing to pay)."""
    interp = new_interpreter(Config())
    assert interp.recorder is None
    assert decoded_handlers(Config(), programs.LOST_UPDATE) <= NORMAL


@pytest.mark.feature("interpreter")
def test_recording_decodes_program_code_with_wrapped_handlers():
    handlers = decoded_handlers(Config(races=True), programs.LOST_UPDATE)
    wrapped = handlers - NORMAL
    assert {h.__name__ for h in wrapped} >= {"LOAD_GLOBAL", "STORE_GLOBAL", "STORE_NAME"}
    assert all(h.__name__ in WRAPPERS for h in wrapped)


@pytest.mark.feature("interpreter")
def test_library_code_is_not_recorded():
    import threading

    interp = new_interpreter(Config(races=True))
    library = interp.decoded(threading.Thread.start.__code__)
    assert {entry[0] for entry in library.instructions} <= NORMAL


@pytest.mark.feature("interpreter")
def test_the_normal_table_is_left_alone_by_recording():
    interp = new_interpreter(Config(races=True))
    assert set(interp.table.values()) <= NORMAL


def accesses(monkeypatch: pytest.MonkeyPatch, compiled: bool) -> tuple[int, object]:
    monkeypatch.setattr(blocks, "ENABLED", compiled)
    outcome = run_main(programs.NO_THREADS, "<string>", ["-c"], Config(races=True))
    assert outcome.interp is not None
    return outcome.interp.recorder.seq, outcome.interp


@pytest.mark.feature("interpreter")
def test_compiled_blocks_record_the_same_accesses(monkeypatch, capsys):
    """The loop runs 100 times, so its blocks are compiled; the wrapped handlers are called
    from inside them and record every access, as instruction at a time does."""
    cold, _ = accesses(monkeypatch, compiled=False)
    hot, interp = accesses(monkeypatch, compiled=True)
    assert hot == cold >= 200  # total = total + i: a read and a write per iteration
    decoded = [d for code, d in interp._decoded.values() if code.co_filename == "<string>"]
    assert any(block is not None for d in decoded for block in d.blocks)


def test_recording_does_not_change_what_the_program_does():
    plain = gilsim.run(source=programs.LOST_UPDATE, switch_interval_ns="200us")
    recorded = gilsim.run(source=programs.LOST_UPDATE, switch_interval_ns="200us", races=True)
    assert plain.races is None
    assert recorded.exit_status == plain.exit_status == 0
    assert recorded.stdout.strip().isdigit() and plain.stdout.strip().isdigit()
