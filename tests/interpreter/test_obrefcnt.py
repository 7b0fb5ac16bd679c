"""The count CPython's ``ob_refcnt`` would hold (``gilsim.interpreter.obrefcnt``): updates
taken in time order, lost at the rate two threads updating one count at once lose them, and
what a wrong count leads to (freed while in use, used after, leaked)."""

from types import SimpleNamespace

import pytest

from gilsim.gil import KINDS
from gilsim.interpreter import obrefcnt
from gilsim.interpreter.obrefcnt import PHASE_SPAN_NS, RMW_WINDOW_NS, Counts, Place, Update


class Watch:
    """What ``Counts`` calls back, recorded: ``(event, time_ns, ...)``."""

    def __init__(self, kind="none", parallel=True):
        # What ``Counts`` reads of a GIL (``gilsim.gil.kind``), the refcount model the kind's.
        refcounting = KINDS[kind].refcounting
        gil = SimpleNamespace(kind=kind, threads_in_parallel=parallel, refcounting=refcounting)
        machine = SimpleNamespace(spec=SimpleNamespace(lookahead_ns=50_000))
        self.interp = SimpleNamespace(gil=gil, machine=machine)
        self.watched = [SimpleNamespace(name="x", bindings=1)]
        self.events = []

    def note(self, watched, serial, count, place, references=None, **biased):
        differs = references if references is not None and references != count else None
        self.events.append(("refcount", place.time_ns, count, differs))

    def freed(self, watched, serial, place, early=False, references=0):
        self.events.append(("dealloc", place.time_ns, early, references))

    def record(self, event, place, **fields):
        self.events.append((event, place.time_ns, fields))

    def of(self, kind):
        return [event for event in self.events if event[0] == kind]


def counts(kind="none", parallel=True, draws=None):
    """A model and its watch; ``draws``: what its generator returns, in turn (then 1.0: an
    update with a thread about is lost only when its draw is below its probability)."""
    watch = Watch(kind, parallel)
    model = Counts(watch, seed=0)
    if draws is not None:
        values = iter(draws)
        model.random = SimpleNamespace(random=lambda: next(values, 1.0))
    return watch, model


def update(model, watch, time_ns, thread, delta, count=0, freed=False):
    place = Place(time_ns, thread)
    model.add(Update(time_ns, watch.watched[0], 1, delta, count, place, freed=freed))


def test_updates_are_taken_in_time_order_once_every_thread_is_past_them():
    watch, model = counts(draws=[])
    update(model, watch, 1_000, 1, None, count=1)
    update(model, watch, 3_000, 2, +1)
    update(model, watch, 2_000, 1, +1)  # made later on the host, earlier in time
    assert watch.events == []  # all within the horizon still
    model.finish(Place(10_000, None))
    assert [(e[1], e[2]) for e in watch.events] == [(1_000, 1), (2_000, 2), (3_000, 3)]


@pytest.mark.parametrize("spacing_ns", [100, 300])
def test_two_threads_at_once_lose_the_window_over_the_spacing_of_their_updates(spacing_ns):
    """As two cores measured losing 1.8-2.7% at 100 ns apart and 0.8-1.1% at 194-256 ns
    (``benchmarks/calibration/rmw_window.c``), whatever the threads' phase."""
    watch, model = counts()
    update(model, watch, 0, 1, None, count=1_000_000)
    rounds = 50_000
    for n in range(1, rounds):
        for thread, phase in ((1, 0), (2, 37)):
            update(model, watch, n * spacing_ns + phase, thread, +1 if n % 2 else -1)
    model.finish(Place(rounds * spacing_ns, None))
    (obj,) = model.objects.values()
    expected = RMW_WINDOW_NS / spacing_ns
    assert obj.lost / obj.updates == pytest.approx(expected, rel=0.1)
    assert len(watch.of("refcount_lost")) == obj.lost


def test_a_lost_update_names_the_thread_whose_store_overwrote_it():
    watch, model = counts(draws=[0.0])
    update(model, watch, 1_000, 1, None, count=1)
    update(model, watch, 1_000, 1, +1)
    update(model, watch, 1_001, 2, +1)  # thread 1 updates before and after: it draws, and loses
    update(model, watch, 1_500, 1, -1)
    model.finish(Place(10_000, None))
    (lost,) = watch.of("refcount_lost")
    assert lost[1] == 1_001 and lost[2]["delta"] == 1 and lost[2]["by_thread"] == 1
    # Thread 2's increment is gone: 3 references, a count of 2.
    assert ("refcount", 1_001, 2, 3) in watch.events
    (obj,) = model.objects.values()
    assert (obj.lost, obj.error, obj.updates) == (1, -1, 3)


def test_a_thread_alone_loses_nothing():
    watch, model = counts(draws=[0.0] * 100)
    update(model, watch, 0, 1, None, count=1)
    for n in range(1, 100):
        update(model, watch, n, 1, +1 if n % 2 else -1)
    model.finish(Place(10_000, None))
    assert watch.of("refcount_lost") == []


def test_threads_taking_turns_do_not_meet():
    """Thread 2 starts updating after thread 1 has stopped, well within the span: neither
    updates on both sides of the other's updates."""
    watch, model = counts(draws=[0.0] * 100)
    update(model, watch, 0, 1, None, count=1)
    for n in range(1, 20):
        update(model, watch, 10 * n, 1, +1 if n % 2 else -1)
    for n in range(1, 20):
        update(model, watch, 200 + 10 * n, 2, +1 if n % 2 else -1)
    assert PHASE_SPAN_NS > 200 + 10 * 20
    model.finish(Place(10_000, None))
    assert watch.of("refcount_lost") == []


def test_free_threaded_updates_from_other_threads_are_atomic():
    watch, model = counts(kind="free-threaded", draws=[0.0] * 10)
    update(model, watch, 1_000, 1, None, count=1)
    for time_ns, thread in ((1_000, 1), (1_001, 2), (1_002, 1), (1_003, 2)):
        update(model, watch, time_ns, thread, +1)
    model.finish(Place(10_000, None))
    assert watch.of("refcount_lost") == []


def test_a_lost_increment_frees_the_object_in_use_and_the_next_update_uses_it_after():
    watch, model = counts(draws=[0.0])
    update(model, watch, 900, 1, None, count=1)  # the global's reference
    update(model, watch, 1_000, 1, +1)
    update(model, watch, 1_001, 2, +1)  # lost: count 2, references 3
    update(model, watch, 1_500, 1, -1)  # count 1, references 2
    update(model, watch, 1_600, 2, -1)  # 0, with the global's reference left
    update(model, watch, 1_900, 1, +1)
    model.finish(Place(10_000, None))
    assert ("dealloc", 1_600, True, 1) in watch.events
    (used,) = watch.of("use_after_free")
    assert used[1] == 1_900 and used[2]["freed_ns"] == 1_600
    assert [e for e in watch.of("refcount") if e[1] > 1_600] == []
    (obj,) = model.objects.values()
    assert obj.state == obrefcnt.USED_AFTER_FREE


def test_a_lost_decrement_leaks_the_object_when_its_last_reference_goes():
    watch, model = counts(draws=[1.0, 1.0, 0.0])
    update(model, watch, 900, 1, None, count=1)
    update(model, watch, 1_000, 1, +1)
    update(model, watch, 1_001, 2, +1)
    update(model, watch, 1_500, 1, -1)
    update(model, watch, 1_501, 2, -1)  # lost: count 2, references 1
    update(model, watch, 2_000, 1, -1, freed=True)
    model.finish(Place(10_000, None))
    (leak,) = watch.of("refcount_leak")
    assert leak[1] == 2_000 and leak[2]["count"] == 1 and leak[2]["at_exit"] is False
    assert watch.of("dealloc") == []


@pytest.mark.parametrize("delta, event", [(-1, "refcount_leak"), (+1, "refcount_short")])
def test_a_count_still_wrong_at_exit_is_said(delta, event):
    watch, model = counts(draws=[0.0])
    update(model, watch, 900, 1, None, count=5)
    update(model, watch, 1_000, 1, delta)
    update(model, watch, 1_001, 2, delta)  # lost
    update(model, watch, 1_002, 1, delta)
    model.finish(Place(10_000, None))
    (said,) = watch.of(event)
    assert said[1] == 10_000 and said[2]["at_exit"] is True


@pytest.mark.parametrize("kind", ["new", "old"])
def test_with_a_gil_updates_are_taken_at_once_and_none_lost(kind):
    watch, model = counts(kind=kind, parallel=False, draws=[0.0] * 10)
    update(model, watch, 1_000, 1, None, count=1)
    assert watch.events == [("refcount", 1_000, 1, None)]
    for time_ns, thread in ((1_001, 1), (1_002, 2), (1_003, 1)):
        update(model, watch, time_ns, thread, +1)
    assert watch.of("refcount_lost") == []


def test_what_went_wrong_is_told_with_thread_names_and_places():
    watch, model = counts(draws=[0.0])
    update(model, watch, 900, 1, None, count=1)
    update(model, watch, 1_000, 1, +1)
    update(model, watch, 1_001, 2, +1)
    update(model, watch, 1_500, 1, -1)
    update(model, watch, 1_600, 2, -1)
    update(model, watch, 1_900, 1, +1)
    model.finish(Place(10_000, None))
    (obj,) = model.objects.values()
    said = obrefcnt.consequences("x", obj, {1: "Thread-1", 2: "Thread-2"})
    assert said[0].startswith("--refcount x (an object): 1 update of its count lost")
    assert "the first at 0.001001 ms: Thread-1 at an unknown place overwrote Thread-2's" in said[0]
    assert "its count reached 0 at 0.001600 ms (Thread-2" in said[1]
    assert "used after it was freed, at 0.001900 ms (Thread-1" in said[2]
