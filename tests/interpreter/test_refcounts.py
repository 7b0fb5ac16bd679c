"""Watching reference counts (``gilsim.run(..., refcounts=...)``, ``--refcount``): the counts
recorded, the objects freed, rebinding, and the names refused or never bound."""

import re
import sys
from pathlib import Path

import pytest

import gilsim
from gilsim.errors import ConfigurationError
from gilsim.interpreter import blocks

PROGRAMS = Path(__file__).parents[1] / "differential" / "programs"


def events(result, kind, name="x"):
    return [e for e in result.trace if e["event"] == kind and e.get("name") == name]


def counts(result, name="x"):
    return [e["count"] for e in events(result, "refcount", name)]


def test_counts_follow_the_references_the_program_takes_and_drops():
    """One global (1), pushed (2), in a list (2), the list pushed and the object again (3),
    appended (3), the list dropped (1), and the object freed when the name lets go."""
    result = gilsim.run(
        source="class A: pass\nx = A()\nl = [x]\nl.append(x)\ndel l\nx = None\n",
        refcounts=("x",),
        trace=True,
    )
    assert counts(result) == [1, 2, 3, 1]
    assert len(events(result, "dealloc")) == 1
    assert result.summary["refcounts"]["x"] == {
        "min": 0,
        "max": 3,
        "final": 0,
        "freed": True,
        "objects": 1,
        "updates": 4,
        "lost": 0,
        "freed_early": False,
        "used_after_free": False,
        "leaked": False,
    }


def test_the_watched_count_is_what_cpython_getrefcount_shows():
    """At module level ``sys.getrefcount(x)`` shows the count with ``x`` pushed: the count the
    watch recorded after that push, for every print of the differential program."""
    program = PROGRAMS / "std_getrefcount.py"
    result = gilsim.run(program, refcounts=("x",), trace=True)
    module_level = [
        int(line.rsplit(" ", 1)[1])
        for line in result.stdout.splitlines()
        if not line.startswith(("as an argument", "two locals", "in a cell", "a list"))
    ]
    assert module_level == [2, 4, 5, 6, 4, 4, 2]
    assert set(module_level) <= set(counts(result))


def test_a_rebound_name_watches_the_new_object_and_says_so():
    result = gilsim.run(
        source="class A: pass\nkeep = []\nx = A()\nkeep.append(x)\nx = A()\nx = 7\n",
        refcounts=("x",),
        trace=True,
    )
    watches = events(result, "refcount_watch")
    assert [(w["object"], w["type"], w["rebound"]) for w in watches] == [
        (1, "A", False),
        (2, "A", True),
        (3, "int", True),
    ]
    # The first is still in ``keep``; the second was freed when ``x = 7`` let go of it.  On
    # 3.12 and 3.13 the run ends as CPython's does (``finalize_modules``,
    # ``Python/pylifecycle.c``: ``__main__`` leaves ``sys.modules`` and the collector runs),
    # which frees ``keep`` and the first with it; gilsim's 3.11 interpreter keeps the main
    # module to the end.
    freed_at_exit = [1] if sys.version_info >= (3, 12) else []
    assert [e["object"] for e in events(result, "dealloc")] == [2, *freed_at_exit]


def test_a_freed_object_with_a_del_is_freed_once_on_the_thread_that_dropped_it():
    result = gilsim.run(
        source=(
            "import threading\n"
            "class A:\n"
            "    def __del__(self): print('del')\n"
            "x = A()\n"
            "def drop():\n"
            "    global x\n"
            "    x = None\n"
            "t = threading.Thread(target=drop)\n"
            "t.start(); t.join()\n"
            "print('joined')\n"
        ),
        refcounts=("x",),
        trace=True,
    )
    assert result.stdout == "del\njoined\n"
    (freed,) = events(result, "dealloc")
    main = next(e["thread"] for e in events(result, "refcount_watch"))
    assert freed["thread"] != main


def test_an_object_without_weakrefs_is_held_and_let_go_when_only_the_watch_holds_it():
    result = gilsim.run(
        source="x = [1]\ny = x\ndel x\nprint(len(y))\ndel y\n", refcounts=("x",), trace=True
    )
    assert counts(result)[-1] == 0
    assert result.summary["refcounts"]["x"]["freed"] is True
    assert len(events(result, "dealloc")) == 1


def test_a_name_never_bound_is_noted_and_the_status_kept():
    result = gilsim.run(source="import sys\nsys.exit(3)\n", refcounts=("total",))
    assert result.exit_status == 3
    assert result.stderr.endswith(
        "gilsim: --refcount total: the program never bound a global named 'total'\n"
    )


@pytest.mark.parametrize("name", ["1x", "a b", "class", "", "os.path"])
def test_a_name_that_cannot_be_watched_is_refused(name):
    with pytest.raises(ConfigurationError, match=re.escape(f"--refcount {name}") + "|not a"):
        gilsim.Config(refcounts=(name,))


def test_one_name_is_one_name():
    assert gilsim.Config(refcounts="total").refcounts == ("total",)


def test_a_watched_run_compiles_no_blocks_and_prints_the_same():
    """Hot loops run one instruction at a time while watching (the counts are read between
    instructions), with the same output and the same instruction count."""
    source = "x = []\nfor i in range(200):\n    x.append(i)\nprint(sum(x))\n"
    plain = gilsim.run(source=source)
    watched = gilsim.run(source=source, refcounts=("x",))
    assert blocks.ENABLED
    assert (watched.stdout, watched.instructions) == (plain.stdout, plain.instructions)
