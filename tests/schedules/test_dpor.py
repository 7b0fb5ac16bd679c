"""Backtrack points from a run's segments (``gilsim.schedules.dpor``), on hand-made runs.

Threads are idents 10, 20, 30 (numbers 0, 1, 2).  A run is a list of steps, what each touched,
and the choice points at which steps began."""

from gilsim.gil.watch import Step
from gilsim.schedules.dpor import backtracks
from gilsim.schedules.schedule import ChoicePoint

NUMBER = {10: 0, 20: 1, 30: 2}


def check(index, holder, options, chosen):
    return ChoicePoint(index, "check", holder, None, options, holder, chosen)


def test_segments_that_touch_different_places_commute():
    steps = [Step(10, 0, None), Step(10, 1, 0), Step(20, 0, 1)]
    segments = {(10, 1): {("place", 1): {"w"}}, (20, 0): {("place", 2): {"w"}}}
    log = [check(0, 0, (0, 1), 0), check(1, 0, (0, 1), 1)]
    assert backtracks(steps, segments, log, NUMBER) == set()


def test_a_write_read_race_is_reversed_where_the_writer_began():
    """Thread 1 reads what thread 0 wrote in a segment that began at choice point 0, where
    thread 1 was waiting: try giving thread 1 the GIL there."""
    steps = [Step(10, 0, None), Step(10, 1, 0), Step(20, 0, 1)]
    segments = {(10, 1): {("place", 1): {"w"}}, (20, 0): {("place", 1): {"r"}}}
    log = [check(0, 0, (0, 1), 0), check(1, 0, (0, 1), 1)]
    assert backtracks(steps, segments, log, NUMBER) == {(0, 1)}


def test_two_reads_commute():
    steps = [Step(10, 0, None), Step(10, 1, 0), Step(20, 0, 1)]
    segments = {(10, 1): {("place", 1): {"r"}}, (20, 0): {("place", 1): {"r"}}}
    log = [check(0, 0, (0, 1), 0), check(1, 0, (0, 1), 1)]
    assert backtracks(steps, segments, log, NUMBER) == set()


def test_accesses_ordered_by_a_lock_are_no_race_but_the_acquires_are():
    """Thread 0 writes under the lock and releases it; thread 1 acquires it and reads: the
    write and the read are ordered by the lock, so only who acquires first is reversed."""
    lock, place = ("lock", 1), ("place", 1)
    steps = [Step(10, 0, None), Step(10, 1, 0), Step(10, 2, None), Step(20, 0, 1)]
    segments = {
        (10, 1): {lock: {"acq"}, place: {"w"}},
        (10, 2): {lock: {"rel"}},
        (20, 0): {lock: {"acq"}, place: {"r"}},
    }
    log = [check(0, 0, (0, 1), 0), check(1, 0, (0, 1), 1)]
    assert backtracks(steps, segments, log, NUMBER) == {(0, 1)}
    # Thread 0 took the lock before the choice point: only thread 0 could have it first.
    segments[(10, 1)] = {place: {"w"}}
    segments[(10, 0)] = {lock: {"acq"}}
    assert backtracks(steps, segments, log, NUMBER) == set()


def test_a_started_thread_is_not_reordered_before_its_start():
    steps = [Step(10, 0, None), Step(20, 0, None)]
    segments = {(10, 0): {("thread", 20): {"start"}}, (20, 0): {("thread", 20): {"begin"}}}
    assert backtracks(steps, segments, [], NUMBER) == set()


def test_a_thread_that_could_not_run_there_makes_every_waiter_an_option():
    """Thread 2 was not waiting where thread 0's segment began: thread 1 and thread 2 are
    both tried there (the classic rule when the racing thread was not enabled)."""
    steps = [Step(10, 0, None), Step(10, 1, 0), Step(30, 0, 1)]
    segments = {(10, 1): {("place", 1): {"w"}}, (30, 0): {("place", 1): {"w"}}}
    log = [check(0, 0, (0, 1), 0), check(1, 0, (0, 1, 2), 2)]
    assert backtracks(steps, segments, log, NUMBER) == {(0, 1)}


def test_the_start_of_the_racing_threads_block_is_a_backtrack_point_too():
    """Thread 0 ran three segments in a row from choice point 0; the race is with its third,
    which began at choice point 2 (a preemption there).  Switching at the start of the block
    reaches the same order with one preemption less (BPOR)."""
    steps = [Step(10, 0, 0), Step(10, 1, 1), Step(10, 2, 2), Step(20, 0, 3)]
    segments = {(10, 2): {("place", 1): {"w"}}, (20, 0): {("place", 1): {"r"}}}
    log = [check(n, 0, (0, 1), 0) for n in range(3)] + [check(3, 0, (0, 1), 1)]
    assert backtracks(steps, segments, log, NUMBER) == {(2, 1), (0, 1)}


def test_a_race_with_a_segment_that_began_with_no_choice_is_reversed_before_it():
    """Thread 1 took the GIL with no choice, was kept at choice point 0 (thread 0 waiting)
    and then, after a ``time.sleep(0)``, printed in a segment that began with no choice:
    the race of that print with thread 2's is reversed at choice point 0, the last place
    where another thread could be let in first."""
    stdout = ("stdout",)
    steps = [Step(20, 0, None), Step(20, 1, 0), Step(20, 2, None), Step(30, 0, 1)]
    segments = {(20, 2): {stdout: {"w"}}, (30, 0): {stdout: {"w"}}}
    log = [check(0, 1, (1, 0), 1), check(1, 1, (1, 2), 2)]
    assert backtracks(steps, segments, log, NUMBER) == {(0, 0)}


def release(index, holder, options, default, chosen):
    return ChoicePoint(index, "release", holder, None, options, default, chosen)


def lock_handed_on(log):
    """Thread 0 takes a lock and releases it two segments later (choice points 0 and 1 fall
    inside); at choice point 2 thread 2 gets the GIL, and at 3, a release, thread 1, which
    takes the lock and, after choice point 4, writes a place that thread 0 then reads."""
    lock, place = ("lock", 1), ("place", 1)
    steps = [Step(10, 0, None), Step(10, 1, 0), Step(10, 2, 1), Step(30, 0, 2)]
    steps += [Step(20, 0, 3), Step(20, 1, 4), Step(10, 3, None)]
    segments = {
        (10, 0): {lock: {"acq"}},
        (10, 2): {lock: {"rel"}},
        (20, 0): {lock: {"acq"}},
        (20, 1): {place: {"w"}},
        (10, 3): {place: {"r"}},
    }
    log = [check(0, 0, (0, 2), 0), check(1, 0, (0, 2), 0), *log]
    log += [release(3, 2, (0, 1), 1, 1), check(4, 1, (1, 0), 1)]
    return backtracks(steps, segments, log, NUMBER)


def test_a_race_is_also_reversed_inside_the_critical_section_of_a_lock_handed_on():
    """Thread 0 was preempted at choice point 2: reversing the write and the read where the
    write began (choice point 4) preempts thread 1 too, two preemptions.  Inside thread 0's
    critical section (choice point 1) one will do: thread 1 would come to the lock while
    thread 0 held it and block, and thread 0 read first.  Thread 1 could not run there, so
    thread 2 is tried.  (Choice point 3 is the start of thread 1's block.)"""
    assert lock_handed_on([check(2, 0, (0, 2), 2)]) == {(4, 0), (3, 0), (1, 2)}


def test_the_critical_section_is_tried_only_where_it_needs_fewer_preemptions():
    """Thread 0 gave the GIL up at choice point 2 (a release): preempting thread 1 at choice
    point 4 then needs one preemption, as many as a switch inside the critical section."""
    assert lock_handed_on([release(2, 0, (2, 1), 2, 2)]) == {(4, 0), (3, 0)}


def test_whole_container_operations_conflict_with_item_writes():
    container = ("whole", "items")
    steps = [Step(10, 0, None), Step(10, 1, 0), Step(20, 0, 1)]
    log = [check(0, 0, (0, 1), 0), check(1, 0, (0, 1), 1)]
    for mine, theirs, race in [
        ("W", "ir", True),
        ("R", "iw", True),
        ("R", "ir", False),
        ("iw", "iw", False),  # two items: their places decide
        ("R", "R", False),
        ("W", "R", True),
    ]:
        segments = {(10, 1): {container: {mine}}, (20, 0): {container: {theirs}}}
        assert bool(backtracks(steps, segments, log, NUMBER)) == race, (mine, theirs)
