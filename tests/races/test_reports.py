"""The race reports of small programs: what each kind of finding says."""

from __future__ import annotations

import gilsim
from tests.races import programs


def run(source: str, **options: object) -> gilsim.RunResult:
    result = gilsim.run(source=source, races=True, **options)  # type: ignore[arg-type]
    assert result.error is None, result.stderr
    assert result.races is not None
    return result


def kinds(result: gilsim.RunResult) -> list[str]:
    return [report.kind for report in result.races or []]


def test_lost_update_is_told_with_threads_lines_values_and_the_switch():
    """``counter = f(counter)`` loses updates when the GIL passes on entering f()."""
    result = run(programs.LOST_UPDATE, switch_interval_ns="200us")
    assert int(result.stdout) < 40000  # updates were really lost in this run
    lost = [r for r in result.races or [] if r.kind == "lost update"]
    assert len(lost) == 1
    report = lost[0]
    assert report.place == "__main__.counter"
    assert set(report.threads) == {"Thread-1 (work)", "Thread-2 (work)"}
    read, other, write = report.accesses
    assert (read.action, other.action, write.action) == ("read", "write", "write")
    assert read.thread == write.thread != other.thread
    assert read.line == other.line == write.line == 8
    assert read.source == "counter = f(counter)"
    assert int(write.value) == int(read.value) + 1
    assert read.switch_points < write.switch_points
    assert report.switch is not None and report.switch.opname == "RESUME"
    assert report.switch.function == "f"
    story = report.story
    assert story.startswith('lost update of counter: thread "Thread-')
    assert f"read counter={read.value} at line 8 (counter = f(counter))" in story
    assert "entered f() (line 3)" in story
    assert f"wrote counter={write.value} at line 8" in story


def test_atomic_increment_is_a_data_race_that_cannot_lose_updates():
    """``counter += 1`` in a tight 3.11 loop: no switch point between read and write."""
    result = run(programs.ATOMIC_INCREMENT, switch_interval_ns="200us")
    assert result.stdout == "40000\n"
    assert kinds(result) == ["data race"]
    race = (result.races or [])[0]
    assert race.place == "__main__.counter"
    assert race.atomic is True
    assert len(race.threads) == 2
    assert "atomic under the GIL" in race.story


def test_atomicity_violation_is_predicted_when_no_update_was_lost():
    """Each thread runs its loop unswitched, yet entering f() is a switch point."""
    result = run(programs.UNLUCKY_NOT_LOST)
    assert result.stdout == "200\n"
    assert "lost update" not in kinds(result)
    assert "atomicity violation" in kinds(result)
    violation = next(r for r in result.races or [] if r.kind == "atomicity violation")
    assert violation.place == "__main__.counter"
    assert violation.switch is not None and violation.switch.opname == "RESUME"
    assert "entered f() (line 4)" in violation.story
    race = next(r for r in result.races or [] if r.kind == "data race")
    assert race.atomic is False


def test_a_lock_around_the_update_leaves_nothing_to_report():
    result = run(programs.LOCKED, switch_interval_ns="200us")
    assert result.stdout == "40000\n"
    assert result.races == []
    assert result.summary["races"]["accesses"] > 40000


def test_check_then_act_on_a_dict_is_found():
    result = run(programs.CHECK_THEN_ACT)
    found = [r for r in result.races or [] if r.place.startswith("cache[")]
    assert {r.kind for r in found} >= {"lost update", "data race"}
    lost = next(r for r in found if r.kind == "lost update")
    assert lost.accesses[0].action == "check"
    assert lost.accesses[0].value == "absent"
    assert "checked cache[" in lost.story


def test_lazy_initialisation_of_a_global_is_found():
    result = run(programs.LAZY_INIT)
    found = [r for r in result.races or [] if r.place == "__main__._instance"]
    assert "lost update" in {r.kind for r in found}
    lost = next(r for r in found if r.kind == "lost update")
    assert lost.accesses[0].value == "None"
    assert "released the GIL" in lost.story


def test_attributes_are_named_by_type_and_first_sight():
    result = run(programs.ACCOUNT, switch_interval_ns="100us")
    places = {r.place for r in result.races or []}
    assert places == {"Account#1.balance"}
    assert "atomicity violation" in kinds(result) or "lost update" in kinds(result)


def test_a_queue_orders_what_it_hands_over():
    result = run(programs.QUEUE_HANDOFF, switch_interval_ns="100us")
    assert result.stdout == "1225\n"
    assert result.races == []


def test_no_threads_no_races_and_a_one_line_report():
    from gilsim.races import format_report

    result = run(programs.NO_THREADS)
    assert result.races == []
    assert format_report([]) == "gilsim: races: no races found\n"


def test_reports_are_plain_json():
    import json

    result = run(programs.LOST_UPDATE, switch_interval_ns="200us")
    data = json.loads(json.dumps(result.summary["races"]))
    assert data["lost_updates"] == 1
    report = data["reports"][0]
    assert report["kind"] == "lost update"
    assert report["accesses"][0]["line"] == 8
    assert report["switch"]["how"] == "check point"


def test_same_seed_same_report():
    first = run(programs.LOST_UPDATE, switch_interval_ns="200us")
    second = run(programs.LOST_UPDATE, switch_interval_ns="200us")
    assert [r.to_json() for r in first.races or []] == [r.to_json() for r in second.races or []]
