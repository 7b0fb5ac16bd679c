"""Exploration finds the outcomes CPython (3.11, 3.12, 3.13: the Python the tests run on) can
produce, and only those: a tight ``counter += 1`` loop cannot lose an update (its only check
point follows the store), ``counter = f(counter)`` can (``f``'s RESUME falls between the load
and the store), and a lock makes it safe again (docs/model/gil.md §2.1, §2.6)."""

import subprocess
import sys

import gilsim
from gilsim.schedules.schedule import Schedule

from .programs import PLUS_EQUALS, THROUGH_A_CALL, WITH_A_LOCK
from .test_exploration_properties import outcome_set, program


def outputs(exploration):
    return {o.stdout for o in exploration.outcomes}


def test_plus_equals_has_one_outcome():
    found = gilsim.explore(source=PLUS_EQUALS)
    assert found.complete
    assert outputs(found) == {"6\n"}
    assert found.explored > 1  # it did try other schedules


def test_a_call_between_load_and_store_loses_updates_with_one_preemption():
    found = gilsim.explore(source=THROUGH_A_CALL)
    assert found.complete
    lossy = [o for o in found.outcomes if o.stdout != "6\n"]
    assert lossy, outputs(found)
    assert all(int(o.stdout) < 6 for o in lossy)
    assert min(o.preemptions for o in lossy) == 1
    assert "6\n" in outputs(found)


def test_a_lock_makes_it_one_outcome_again():
    found = gilsim.explore(source=WITH_A_LOCK)
    assert found.complete
    assert outputs(found) == {"6\n"}


def test_the_schedule_of_a_lossy_outcome_replays_to_it():
    found = gilsim.explore(source=THROUGH_A_CALL)
    for outcome in found.outcomes:
        replayed = gilsim.run(source=THROUGH_A_CALL, schedule=str(outcome.schedule))
        assert (replayed.stdout, replayed.exit_status) == (outcome.stdout, outcome.exit_status)
        assert "warning" not in replayed.stderr


def test_a_schedule_that_does_not_fit_warns():
    result = gilsim.run(source=PLUS_EQUALS, schedule="100000:T1")
    assert result.stdout == "6\n"
    assert "the schedule names choice point 100000" in result.stderr


def test_the_search_without_reduction_finds_the_same_outcomes():
    reduced = gilsim.explore(source=THROUGH_A_CALL, bound=1)
    full = gilsim.explore(source=THROUGH_A_CALL, bound=1, reduce=False)
    assert outputs(reduced) == outputs(full)
    assert reduced.explored <= full.explored


def test_reduction_reverses_a_print_after_a_sleep_that_kept_the_gil():
    """work1 prints after ``time.sleep(0)``, which signals the waiting main thread but takes
    the GIL back at once: the print begins with no choice point, and main (who starts
    work2) can only be let in before it at an earlier one.  The reduced search must still
    find work2 printing first (a counterexample Hypothesis found to
    ``test_reduction_finds_every_outcome_the_full_search_finds``)."""
    source = program(
        [
            ["a += 1", "a += 1", "print(len(s))"],
            ["print(sorted(items))", "time.sleep(0)", "print('hello from', name)"],
            ["a += 1", "print('hello from', name)"],
        ]
    )
    reduced = gilsim.explore(source=source, bound=1)
    full = gilsim.explore(source=source, bound=1, reduce=False, max_schedules=3000)
    assert reduced.complete and full.complete
    assert "0\n[]\nhello from 2\nhello from 1\n3 0 [] [] [] 0 0\n" in outputs(full)
    assert outcome_set(reduced) == outcome_set(full)
    assert reduced.explored <= full.explored


def reduced_and_full(bodies):
    """The reduced and the full search of ``program(bodies)`` at bound 1, both complete."""
    source = program(bodies)
    reduced = gilsim.explore(source=source, bound=1)
    full = gilsim.explore(source=source, bound=1, reduce=False, max_schedules=3000)
    assert reduced.complete and full.complete
    return reduced, full


# Counterexamples Hypothesis found (``--hypothesis-seed=2``, ci profile) to
# ``test_reduction_finds_every_outcome_the_full_search_finds``: each outcome needs a thread
# preempted holding a lock, and another blocking on it, which passes the GIL on for free
# (``gilsim.schedules.dpor``, the backtrack point inside a critical section).


def test_reduction_lets_a_thread_block_on_a_lock_a_preempted_thread_holds():
    """work0 is preempted in ``with lock:``, before or after it reads ``a``; main starts
    work1, which blocks on the lock, and goes on to start work2, whose ``a += 1`` then comes
    before work0's update (``4 2``) or between its read and its write (``3 2``)."""
    reduced, full = reduced_and_full(
        [
            ["with lock:\n        a = f(a)", "print(sorted(items))", "a += 1"],
            ["with lock:\n        a = f(a)"],
            ["a += 1", "b = f(b) + a"],
        ]
    )
    assert {"[]\n4 2 [] [] [] 0 0\n", "[]\n3 2 [] [] [] 0 0\n"} <= outputs(full)
    assert outcome_set(reduced) == outcome_set(full)
    assert reduced.explored <= full.explored


def test_reduction_lets_a_thread_block_in_queue_put():
    """work1 is preempted in ``q.put`` holding the queue's mutex; work2 appends, blocks in
    its own ``q.put``, and work1's append comes between work2's two."""
    reduced, full = reduced_and_full(
        [
            ["with lock:\n        a = f(a)", "items.append(name)"],
            ["q.put(f(a))", "items.append(name)"],
            ["items.append(name)", "q.put(f(a))", "items.append(name)"],
        ]
    )
    assert "1 0 ['0', '2', '1', '2'] [] [] 2 0\n" in outputs(full)
    assert outcome_set(reduced) == outcome_set(full)
    assert reduced.explored <= full.explored


def test_reduction_lets_a_thread_block_in_event_set():
    """work0 is preempted in ``ev.set()`` holding the event's condition lock; work1 blocks
    in its own ``ev.set()``, and main starts work2, whose three prints all come before
    work0's and before work1 adds to ``s``."""
    reduced, full = reduced_and_full(
        [
            ["ev.set()", "time.sleep(0)", "print(len(s))"],
            ["ev.set()", "time.sleep(0)", "s.add(f(a))"],
            ["print(len(s))", "print('hello from', name)", "print(sorted(items))"],
        ]
    )
    assert "0\nhello from 2\n[]\n0\n0 0 [] [] [1] 0 0\n" in outputs(full)
    assert outcome_set(reduced) == outcome_set(full)
    assert reduced.explored <= full.explored


def test_random_and_pct_find_the_lost_update_and_shrink_it():
    for strategy in ("random", "pct"):
        found = gilsim.explore(source=THROUGH_A_CALL, strategy=strategy, max_schedules=60)
        lossy = [o for o in found.outcomes if o.stdout != "6\n"]
        assert lossy, (strategy, outputs(found))
        # Shrunk: every choice left is needed for the outcome.
        for outcome in lossy:
            for index in range(len(outcome.schedule.choices)):
                fewer = outcome.schedule.without(index)
                replayed = gilsim.run(source=THROUGH_A_CALL, schedule=str(fewer))
                assert replayed.stdout != outcome.stdout or "warning" in replayed.stderr


def test_the_same_seed_explores_the_same_way():
    a = gilsim.explore(source=THROUGH_A_CALL, strategy="random", max_schedules=20, seed=5)
    b = gilsim.explore(source=THROUGH_A_CALL, strategy="random", max_schedules=20, seed=5)
    assert a == b


def test_schedules_read_back_as_written():
    schedule = Schedule.parse("3:T1,17:T0")
    assert str(schedule) == "3:T1,17:T0"
    assert Schedule.parse("default") == Schedule()


HOT_LOOPS = """
import threading
def numbers():
    for i in range(30):
        yield i
total = []
def work():
    s = 0
    for i in range(50):
        s += i
    for n in numbers():
        s += n
    for x in [1, 2, 3] * 10:
        s += x
    total.append(s)
threads = [threading.Thread(target=work) for _ in range(2)]
for t in threads:
    t.start()
for t in threads:
    t.join()
print(total)
"""


def test_recorded_hot_loops_run_as_compiled_blocks_as_they_do_plain():
    """Exploration records with wrapped ``FOR_ITER``/``PRECALL``/``GET_ITER`` handlers; hot
    loops compile to blocks around them (a wrapped ``FOR_ITER`` must end its block)."""
    native = subprocess.run([sys.executable, "-c", HOT_LOOPS], capture_output=True, text=True)
    found = gilsim.explore(source=HOT_LOOPS, bound=0)
    assert [(o.stdout, o.exit_status) for o in found.outcomes] == [(native.stdout, 0)]
