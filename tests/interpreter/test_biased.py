"""Biased reference counting under ``--gil free-threaded`` (``gilsim.interpreter.biased``):
the owner's updates are local, everyone else's shared, and the two merge when the owner's
own count reaches 0 or another thread drops a reference the owner counted."""

import sys

import gilsim
from gilsim.interpreter import biased
from gilsim.interpreter.biased import MERGED, QUEUED, BiasedCount


def test_the_owner_counts_locally_and_others_in_the_shared_field():
    count = BiasedCount(owner=1, local=1)
    assert count.update(1, +1) is None and count.update(2, +1) is None
    assert (count.local, count.shared, count.local_updates, count.shared_updates) == (2, 1, 1, 1)
    assert count.update(2, -1) is None
    assert (count.local, count.shared) == (2, 0)


def test_the_owners_count_reaching_zero_with_shared_references_left_merges():
    count = BiasedCount(owner=1, local=1)
    count.update(2, +1)
    assert count.update(1, -1) == MERGED
    assert (count.owner, count.local, count.shared, count.merged) == (None, 0, 1, True)
    # Nobody owns it now: even its first owner's updates are atomic.
    count.update(1, +1)
    assert (count.local, count.shared, count.shared_updates) == (0, 2, 2)


def test_another_thread_dropping_a_reference_the_owner_counted_queues_it():
    count = BiasedCount(owner=1, local=2)
    assert count.update(2, -1) == QUEUED
    assert (count.owner, count.local, count.shared) == (None, 0, 1)


def test_the_owners_last_reference_with_no_shared_ones_does_not_merge():
    """``_Py_MergeZeroLocalRefcount``'s fast path: the object is simply freed."""
    count = BiasedCount(owner=1, local=1)
    assert count.update(1, -1) is None and count.owner == 1
    assert count.local + count.shared == 0


def test_a_net_change_counts_one_reference_at_a_time():
    count = BiasedCount(owner=1, local=1)
    count.update(2, +3)
    # -2 by the owner: its local count reaches 0 at the first (a merge), the second is shared.
    assert count.update(1, -2) == MERGED
    assert (count.local, count.shared) == (0, 2)


def test_free_threaded_lanes_show_both_fields_summing_to_the_count():
    source = (
        "import threading\n"
        "class A: pass\n"
        "x = A()\n"
        "keep = [x]\n"
        "def take():\n"
        "    keep.pop()\n"
        "t = threading.Thread(target=take)\n"
        "t.start(); t.join()\n"
    )
    result = gilsim.run(source=source, gil="free-threaded", refcounts=("x",), trace=True)
    counts = [e for e in result.trace if e["event"] == "refcount"]
    assert counts and all(e["local"] + e["shared"] == e["count"] for e in counts)
    (merge,) = [e for e in result.trace if e["event"] == "refcount_merge"]
    # The thread popped the list's reference, which the main thread counted: queued.
    assert merge["queued"] is True and merge["line"] == 6
    biased = result.summary["refcounts"]["x"]["biased"]
    assert biased["merged"] == 1 and biased["shared_updates"] > 0
    assert "biased reference counting: owned by MainThread" in result.stderr
    assert "dropped a reference its owner had counted" in result.stderr


def test_with_a_gil_there_is_no_biased_count():
    result = gilsim.run(source="x = [1]\ny = x\n", refcounts=("x",), trace=True)
    assert "biased" not in result.summary["refcounts"]["x"]
    assert all("local" not in e for e in result.trace if e["event"] == "refcount")


def test_which_objects_are_immortal_in_313t():
    """The static ones as 3.13.0 reports them (``sys.getrefcount`` 4294967295), and the
    kinds of deferred reference counting."""

    def nested() -> None:
        pass

    static = [None, True, False, ..., NotImplemented, 7, -5, 256, (), "", "a", "é", b"", b"x"]
    assert all(biased.immortal(obj)[0] == biased.STATIC for obj in static)
    mortal = [int("257"), int("-6"), chr(257), "ab", (1,), b"xy", [], frozenset(), nested]
    assert [biased.immortal(obj) for obj in mortal] == [None] * len(mortal)
    deferred = [int, len.__class__, biased, biased.immortal.__code__, list.append]
    assert all(biased.immortal(obj)[0] == biased.DEFERRED for obj in deferred)


def assert_immortal_on_the_host(result):
    """The watched small int ``n`` is immortal on the host (3.12 on): watched, never read."""
    version = f"{sys.version_info.major}.{sys.version_info.minor}"
    (watch,) = [e for e in result.trace if e["event"] == "refcount_watch"]
    assert watch["immortal"] is True
    assert not [e for e in result.trace if e["event"] == "refcount"]
    assert result.stderr == (
        f"gilsim: --refcount n (an int): immortal in Python {version} (PEP 683): "
        "Py_INCREF and Py_DECREF leave its count alone, so it never changes\n"
    )


SHARED_INT = """\
import threading
n = 7
def work():
    for _ in range(200):
        m = n
t = threading.Thread(target=work)
t.start(); work(); t.join()
"""


def test_free_threading_skips_every_update_of_a_small_int():
    result = gilsim.run(source=SHARED_INT, gil="free-threaded", refcounts=("n",), trace=True)
    summary = result.summary["refcounts"]["n"]
    assert summary["biased"]["immortal"] == 1
    if sys.version_info >= (3, 12):
        # PEP 683: from 3.12 on a small int is immortal in every build (``_Py_IsImmortal``,
        # ``Include/object.h``), so the host never changes its count: there is no update to
        # skip, and gilsim says why.
        assert summary["updates"] == summary["biased"]["skipped_updates"] == 0
        assert_immortal_on_the_host(result)
        return
    assert summary["biased"]["skipped_updates"] == summary["updates"] > 0
    assert summary["biased"]["local_updates"] == summary["biased"]["shared_updates"] == 0
    counts = [e for e in result.trace if e["event"] == "refcount"]
    assert counts and all(e.get("immortal") is True and "local" not in e for e in counts)
    assert "immortal under free threading (a small int, allocated statically" in result.stderr
    assert "biased reference counting" not in result.stderr


def test_a_function_becomes_immortal_when_the_first_thread_starts():
    source = (
        "import threading\n"
        "def f(): pass\n"
        "for _ in range(5):\n"
        "    g = f\n"
        "def work():\n"
        "    for _ in range(50):\n"
        "        h = f\n"
        "t = threading.Thread(target=work)\n"
        "t.start(); work(); t.join()\n"
    )
    result = gilsim.run(source=source, gil="free-threaded", refcounts=("f",), trace=True)
    summary = result.summary["refcounts"]["f"]["biased"]
    assert summary["local_updates"] > 0 and summary["skipped_updates"] >= 100
    (start,) = [e for e in result.trace if e["event"] == "thread_start"]
    counts = [e for e in result.trace if e["event"] == "refcount"]
    assert all(bool(e.get("immortal")) is (e["time_ns"] >= start["time_ns"]) for e in counts)
    assert "immortal under free threading from the first thread's start on" in result.stderr
    assert f"whose {summary['local_updates']} updates were plain adds" in result.stderr


def test_with_a_gil_nothing_is_immortal():
    """gilsim's GILs are 3.11's, before PEP 683: a small int's count changes."""
    result = gilsim.run(source=SHARED_INT, refcounts=("n",), trace=True)
    if sys.version_info >= (3, 12):
        # On 3.12 and 3.13 the program runs on the host's interpreter, after PEP 683: a
        # small int is immortal with a GIL too, and its count never changes.
        assert result.summary["refcounts"]["n"]["updates"] == 0
        assert_immortal_on_the_host(result)
        return
    assert result.summary["refcounts"]["n"]["updates"] > 0
    assert "immortal" not in result.stderr
    assert all("immortal" not in e for e in result.trace if e["event"] == "refcount")
