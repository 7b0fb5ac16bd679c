"""Property tests of watched reference counts (``gilsim.run(..., refcounts=...)``) over
generated programs: threads take and drop references to a shared object through lists,
dicts, attributes, cells, arguments and returns, switched often, under every kind of
``gilsim.gil.KINDS``.

Under every GIL, and free threading's atomic counts, whatever the schedule: a watched count
never goes below zero and is always the number of references; each watched object is freed
at most once; the shared object is never freed while the main module's global still holds
it (up to the marked point, where the program binds ``marker``), and it is freed by the end,
since the program then drops every reference it had.

Without a GIL (``--gil none``) counts may go wrong, and then every wrong count is explained:
it is off by exactly the updates reported lost, an object is freed early only while
references remain, used after only once freed, and still freed at most once.
"""

from __future__ import annotations

from hypothesis import given, note
from hypothesis import strategies as st

import gilsim
from gilsim.gil import KINDS

# One thread's step: (take, drop), statements on ``s`` (the thread's reference to the shared
# object, an argument of its function), run ``times`` times each.
STEPS = {
    "local list": ("mine.append(s)", "mine.pop() if mine else None"),
    "global list": ("box.append(s)", "box.pop() if box else None"),
    "dict": ("table[(n, i)] = s", "table.pop((n, i), None)"),
    "attribute": ("setattr(holder, f'a{n}', s)", "setattr(holder, f'a{n}', None)"),
    "cell": ("cells.append(closing(s))", "cells.pop() if cells else None"),
    "argument and return": ("mine.append(same(s))", "same(mine.pop()) if mine else None"),
}

PRELUDE = """\
import threading


class Obj:
    pass


shared = Obj()
box = []
table = {}
holder = Obj()
cells = []


def same(x):
    return x


def closing(x):
    def inner():
        return x

    return inner
"""

EPILOGUE = """\
start = threading.Barrier(len(BODIES))
threads = [threading.Thread(target=body, args=(shared, n)) for n, body in enumerate(BODIES)]
for thread in threads:
    thread.start()
for thread in threads:
    thread.join()
del threads
box.clear()
table.clear()
holder = None
cells.clear()
marker = Obj()
shared = None
print("done")
"""


@st.composite
def programs(draw: st.DrawFn) -> str:
    """A program of two or three threads, each a few steps of taking references to the
    shared object and dropping some of them."""
    lines = [PRELUDE]
    bodies = []
    for n in range(draw(st.integers(2, 3))):
        # The threads start their steps together: without a GIL they then run at once.
        body = [f"def body{n}(s, n):", "    mine = []", "    start.wait()"]
        steps = st.lists(
            st.tuples(st.sampled_from(sorted(STEPS)), st.booleans()), min_size=1, max_size=6
        )
        for kind, drop in draw(steps):
            take, release = STEPS[kind]
            times = draw(st.integers(1, 60))
            body.append(f"    for i in range({times}):")
            body.append(f"        {take}")
            if drop:
                body.append(f"    for i in range({times}):")
                body.append(f"        {release}")
        lines.append("\n".join(body) + "\n")
        bodies.append(f"body{n}")
    lines.append(f"BODIES = [{', '.join(bodies)}]\n")
    lines.append(EPILOGUE)
    return "\n\n".join(lines)


# The kinds whose counts stay right: every GIL, and free threading's atomic updates (the
# old GIL's in a test of its own: it runs on 3.11 only, so far).
PROTECTED = sorted(set(KINDS) - {"none", "old"})


def run(source, gil, seed):
    note(source)
    result = gilsim.run(
        source=source,
        refcounts=("shared", "marker"),
        trace=True,
        gil=gil,
        seed=seed,
        switch_interval_ns="20us",
        max_instructions=2_000_000,
    )
    assert (result.stdout, result.exit_status) == ("done\n", 0), result.stderr
    return result


@given(programs(), st.sampled_from(PROTECTED), st.integers(0, 2**16))
def test_counts_stay_whole_and_objects_are_freed_once_when_unreachable(source, gil, seed):
    counts_stay_whole(source, gil, seed)


@given(programs(), st.integers(0, 2**16))
def test_under_the_old_gil_counts_stay_whole_too(source, seed):
    counts_stay_whole(source, "old", seed)


def counts_stay_whole(source, gil, seed):
    result = run(source, gil, seed)
    watched = [
        (index, event)
        for index, event in enumerate(result.trace)
        if event["event"] in ("refcount", "refcount_watch", "dealloc")
    ]
    assert all(e["count"] >= 0 for _, e in watched if e["event"] == "refcount")
    assert not [e for _, e in watched if "references" in e or e.get("early")]
    assert result.summary["refcounts"]["shared"]["lost"] == 0
    if gil == "free-threaded":
        # Biased counting splits the count between the owner's field and everyone else's.
        counts = [e for _, e in watched if e["event"] == "refcount"]
        assert all(e["local"] + e["shared"] == e["count"] for e in counts)
        assert all(e["local"] >= 0 for e in counts)
    freed = [(e["name"], e["object"]) for _, e in watched if e["event"] == "dealloc"]
    assert len(freed) == len(set(freed))
    (marked,) = [i for i, e in watched if e["event"] == "refcount_watch" and e["name"] == "marker"]
    shared_freed = [i for i, e in watched if e["event"] == "dealloc" and e["name"] == "shared"]
    assert len(shared_freed) == 1
    assert shared_freed[0] > marked
    before = [e.get("count") for i, e in watched if i < marked and e["name"] == "shared"]
    assert all(count >= 1 for count in before if count is not None)
    assert result.summary["refcounts"]["shared"]["freed"] is True


@given(programs(), st.integers(0, 2**16))
def test_without_a_gil_every_wrong_count_is_explained(source, seed):
    result = run(source, "none", seed)
    error: dict[tuple[str, int], int] = {}
    freed: set[tuple[str, int]] = set()
    early: set[tuple[str, int]] = set()
    for event in result.trace:
        kind = event["event"]
        key = (event.get("name"), event.get("object"))
        if kind == "refcount_lost":
            error[key] = error.get(key, 0) - event["delta"]
        elif kind == "refcount":
            # The count is the references plus the error, where a free stops it at 0.
            references = event.get("references", event["count"])
            assert event["count"] == max(references + error.get(key, 0), 0)
        elif kind == "dealloc":
            assert key not in freed
            freed.add(key)
            if event.get("early"):
                assert event["references"] > 0 and error.get(key, 0) < 0
                early.add(key)
        elif kind == "use_after_free":
            assert key in early
        elif kind == "refcount_leak":
            assert event["count"] > 0 and error.get(key, 0) > 0
    lost = [e for e in result.trace if e["event"] == "refcount_lost" and e["name"] == "shared"]
    assert result.summary["refcounts"]["shared"]["lost"] == len(lost)
