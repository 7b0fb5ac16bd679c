"""Copy-on-write after fork (``gilsim.processes.pages``): the pages a child copies by taking
references to inherited objects, what they cost, how a run reports them, and the files and
``gc`` functions through which a program sees them.  (What CPython itself does is compared
in ``tests/phenomena/test_processes.py``.)"""

from __future__ import annotations

import pytest

from gilsim.interpreter import references
from gilsim.interpreter.costs import COSTS_311
from gilsim.interpreter.decode import decode
from gilsim.interpreter.opcodes import table
from gilsim.processes.pages import FAULT_NS, PAGE_SIZE, Inherited

from .running import run

READER = """
    import os

    def dirty():
        with open("/proc/self/smaps_rollup") as f:
            for line in f:
                if line.startswith("Private_Dirty:"):
                    return int(line.split()[1])

    data = [i + 1000 for i in range(40_000)]
    print("parent", dirty())
    pid = os.fork()
    if pid == 0:
        before = dirty()
        for x in data:
            pass
        print("child", before, dirty())
        os._exit(0)
    os.waitpid(pid, 0)
"""


@pytest.mark.feature("processes")
def test_a_child_that_reads_copies_the_pages_and_the_run_counts_them(tmp_path):
    result = run(tmp_path, READER, cores=2)
    parent, child = result.stdout.splitlines()
    assert parent == "parent 0"  # a process that was not forked shares nothing
    _, before, after = child.split()
    copied_kib = int(after) - int(before)
    # 40,000 ints of 32 bytes in a row: 1.22 MiB, 313 pages, and a few of the program's.
    assert 313 * 4 <= copied_kib <= 330 * 4
    first, second = result.summary["processes"]
    assert "pages_copied" not in first
    assert second["pages_copied"] * PAGE_SIZE // 1024 >= copied_kib
    assert second["copy_on_write_ns"] == second["pages_copied"] * FAULT_NS
    assert second["pages_shared"] > second["pages_copied"]


@pytest.mark.feature("processes")
def test_the_faults_take_the_child_time(tmp_path):
    """A second pass over the same inherited data copies nothing: the first was slower by
    2.5 µs for each page it copied."""
    source = """
        import os
        import time

        def dirty():
            with open("/proc/self/smaps_rollup") as f:
                return int(f.read().split("Private_Dirty:")[1].split()[0])

        data = [i + 1000 for i in range(40_000)]
        pid = os.fork()
        if pid == 0:
            before = dirty()
            start = time.perf_counter_ns()
            for x in data:
                pass
            middle = time.perf_counter_ns()
            copied = dirty()
            restart = time.perf_counter_ns()
            for x in data:
                pass
            end = time.perf_counter_ns()
            print((copied - before) // 4, (middle - start) - (end - restart))
            os._exit(0)
        os.waitpid(pid, 0)
    """
    result = run(tmp_path, source)
    pages, extra_ns = map(int, result.stdout.split())
    assert pages > 300
    assert extra_ns == pages * FAULT_NS


@pytest.mark.feature("processes")
def test_the_same_run_copies_the_same_pages(tmp_path):
    """The layout is made from the objects, not from host addresses: runs agree exactly."""
    first = run(tmp_path, READER)
    second = run(tmp_path, READER)
    assert first.stdout == second.stdout
    assert first.summary["processes"] == second.summary["processes"]
    assert first.virtual_time_ns == second.virtual_time_ns


@pytest.mark.feature("processes")
def test_gc_freeze_spares_the_pages_a_collection_would_copy(tmp_path):
    source = """
        import gc
        import os

        def dirty():
            with open("/proc/self/smaps_rollup") as f:
                return int(f.read().split("Private_Dirty:")[1].split()[0])

        records = [(i, [i]) for i in range(20_000)]
        for frozen in (False, True):
            if frozen:
                gc.freeze()
                print("frozen", gc.get_freeze_count() > 20_000)
            pid = os.fork()
            if pid == 0:
                before = dirty()
                gc.collect()
                print(dirty() - before > 20_000 * 64 // 1024 // 2)
                os._exit(0)
            os.waitpid(pid, 0)
        gc.unfreeze()
        print(gc.get_freeze_count())
    """
    result = run(tmp_path, source)
    assert result.stdout == "True\nfrozen True\nFalse\n0\n", result.stderr


@pytest.mark.feature("processes")
def test_smaps_rollup_is_read_only_and_only_for_this_process(tmp_path):
    source = """
        import os
        try:
            open("/proc/self/smaps_rollup", "w")
        except PermissionError as e:
            print(e)
        with open(f"/proc/{os.getpid()}/smaps_rollup", "rb") as f:
            print(f.readline().endswith(b"[rollup]\\n"), f.mode)
    """
    result = run(tmp_path, source)
    assert result.stdout == (
        "[Errno 13] Permission denied: '/proc/self/smaps_rollup'\nTrue rb\n"
    ), result.stderr


def test_gc_collect_checks_its_generation(tmp_path):
    source = """
        import gc
        for generation in (3, -1, "2"):
            try:
                gc.collect(generation)
            except (ValueError, TypeError) as e:
                print(type(e).__name__, e)
    """
    result = run(tmp_path, source)
    assert result.stdout.splitlines() == [
        "ValueError invalid generation",
        "ValueError invalid generation",
        "TypeError 'str' object cannot be interpreted as an integer",
    ]


@pytest.mark.feature("processes")
def test_every_push_is_a_reference_and_stores_are_none():
    def sample(items, pair):
        a, b = pair
        for item in items:
            a = item.real
        return a

    code = decode(sample.__code__, table(), COSTS_311)
    by_name = dict(zip(code.opnames, references.pushes(code), strict=True))
    assert by_name["LOAD_FAST"] == 1
    assert by_name["UNPACK_SEQUENCE"] == 2
    assert by_name["FOR_ITER"] == 1
    assert by_name["LOAD_ATTR"] == 1
    assert by_name["STORE_FAST"] == 0
    assert by_name["RETURN_VALUE"] == 0


def test_a_page_is_copied_once():
    shared = [1000 + i for i in range(3)]
    pages = Inherited(shared, {}, frozenset())
    assert pages.touch(shared[0]) == FAULT_NS
    assert pages.touch(shared[1]) == 0  # 32-byte ints side by side: the same page
    assert pages.touch(object()) == 0  # not inherited
    assert pages.private_bytes() == PAGE_SIZE
