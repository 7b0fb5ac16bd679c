"""The race examples: each runs correctly once, `gilsim explore` finds the schedule that
breaks it (and the schedule replays), and `gilsim races` names what is shared and where.  The
lost-update example's race report tells both threads, the lines, the values and the switch."""

from pathlib import Path

import pytest

import gilsim

EXAMPLES = Path(__file__).parent.parent / "examples"


def explore(name):
    path = EXAMPLES / f"{name}.py"
    found = gilsim.explore(path)
    assert found.complete
    default = gilsim.run(path)
    assert default.exit_status == 0
    return found, default


def replays(name, outcome):
    replayed = gilsim.run(EXAMPLES / f"{name}.py", schedule=str(outcome.schedule))
    return replayed.stdout == outcome.stdout and "warning" not in replayed.stderr


def test_bank_transfer_can_create_and_destroy_money():
    found, default = explore("bank_transfer")
    assert default.stdout == "A=90 B=110 total=200\n"
    totals = {int(o.stdout.rsplit("total=", 1)[1]) for o in found.outcomes}
    assert 200 in totals and totals - {200}
    wrong = [o for o in found.outcomes if "total=200" not in o.stdout]
    assert min(o.preemptions for o in wrong) == 1
    assert all(replays("bank_transfer", o) for o in wrong)
    races = gilsim.run(EXAMPLES / "bank_transfer.py", races=True).races
    violations = [r for r in races if r.kind == "atomicity violation"]
    assert {r.place for r in violations} == {"Account#1.balance", "Account#2.balance"}
    story = violations[0]
    read, write, _other = story.accesses
    assert (read.source, write.source) == (
        "remaining = source.balance - amount",
        "source.balance = remaining",
    )
    assert story.switch is not None and story.switch.function == "audit"


def test_the_locked_bank_transfer_has_one_outcome():
    found = gilsim.explore(EXAMPLES / "bank_transfer_locked.py", bound=3)
    assert found.complete and found.explored > 1
    assert [o.stdout for o in found.outcomes] == ["A=90 B=110 total=200\n"]
    assert gilsim.run(EXAMPLES / "bank_transfer_locked.py", races=True).races == []


def test_check_then_act_can_sell_one_widget_twice():
    found, default = explore("check_then_act")
    assert default.stdout.endswith("sold to ['alice'], 0 left\n")
    oversold = [o for o in found.outcomes if "-1 left" in o.stdout]
    assert oversold and oversold[0].stdout == "sold to ['alice', 'bob'], -1 left\n"
    assert oversold[0].preemptions == 1 and replays("check_then_act", oversold[0])
    races = gilsim.run(EXAMPLES / "check_then_act.py", races=True).races
    race = next(r for r in races if r.place == "stock['widget']")
    assert race.atomic is False  # the check and the act are split by a switch point


def test_lazy_initialisation_can_load_twice():
    found, default = explore("lazy_init")
    assert "loaded 1 time(s)" in default.stdout
    twice = [o for o in found.outcomes if "loaded 2 time(s)" in o.stdout]
    assert twice and "share them: False" in twice[0].stdout
    assert twice[0].preemptions == 1 and replays("lazy_init", twice[0])
    races = gilsim.run(EXAMPLES / "lazy_init.py", races=True).races
    race = next(r for r in races if r.place == "__main__._settings")
    assert race.atomic is False


@pytest.mark.slow
def test_the_lost_update_report_names_threads_lines_values_and_the_switch():
    """examples/lost_update.py, as `gilsim races` tells it (a million increments)."""
    path = EXAMPLES / "lost_update.py"
    lines = path.read_text().splitlines()
    update = lines.index("        counter = increment(counter)") + 1
    entry = lines.index("def increment(value):") + 1
    result = gilsim.run(path, races=True)
    lost = [r for r in result.races if r.kind == "lost update"]
    assert len(lost) == 1
    report = lost[0]
    assert report.place == "__main__.counter"
    victim, other = report.threads
    assert victim != other
    assert {victim, other} <= {"Thread-3 (through_a_call)", "Thread-4 (through_a_call)"}
    read, overwritten, write = report.accesses
    assert read.thread == write.thread == victim and overwritten.thread == other
    assert read.line == overwritten.line == write.line == update
    assert read.source == "counter = increment(counter)"
    assert int(write.value) == int(read.value) + 1  # its stale value, plus one
    assert int(overwritten.value) >= int(write.value)  # the other thread had got as far
    assert report.switch is not None
    assert (report.switch.function, report.switch.opname) == ("increment", "RESUME")
    # The GIL went from the victim to another thread: the other worker, or the main thread
    # while it is still starting them (the first loss can come that early).
    assert report.switch.thread == victim
    assert report.switch.taker in {other, "MainThread"}
    for fact in (
        f'thread "{victim}" read counter={read.value} at line {update}',
        f'the GIL passed to "{report.switch.taker}" when',
        f"entered increment() (line {entry})",
        f"wrote counter={overwritten.value} at line {update}",
        f"wrote counter={write.value} at line {update}",
    ):
        assert fact in report.story
