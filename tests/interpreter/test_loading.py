"""Loading a module costs the process that loads it, once (``gilsim.interpreter.loading``).
(What CPython itself takes is compared in ``tests/phenomena/test_against_cpython.py``.)"""

from __future__ import annotations

import textwrap

import pytest

import gilsim
from gilsim.interpreter import loading
from gilsim.processes import pages


def run(tmp_path, source: str):
    path = tmp_path / "main.py"
    path.write_text(textwrap.dedent(source), encoding="utf-8")
    return gilsim.run(path, argv=[str(path)])


TIMED_IMPORT = """
    import time

    t0 = time.perf_counter_ns()
    import {name}
    t1 = time.perf_counter_ns()
    import {name}
    t2 = time.perf_counter_ns()
    print(t1 - t0, t2 - t1)
"""


def _timed_import(tmp_path, name: str) -> tuple[int, int]:
    result = run(tmp_path, TIMED_IMPORT.format(name=name))
    assert result.exit_status == 0, result.stderr
    first, again = map(int, result.stdout.split())
    return first, again


@pytest.mark.feature("interpreter")
def test_a_natively_imported_module_costs_its_load_once(tmp_path):
    first, again = _timed_import(tmp_path, "colorsys")
    cost_ns, size, required = loading._native("colorsys")
    assert required == ()  # colorsys imports nothing
    assert first >= cost_ns == loading.COSTS.source(size)
    assert first < cost_ns + 10_000  # and the instructions around it
    assert again < 10_000


@pytest.mark.feature("interpreter")
def test_a_module_brings_what_it_imports_at_its_top_level(tmp_path):
    """``json`` loads its decoder, scanner and encoder, and ``re`` with everything it needs
    (``enum``, ``functools``...), none of them loaded when an interpreter starts."""
    first, _ = _timed_import(tmp_path, "json")
    modules = ("json", "json.decoder", "json.scanner", "json.encoder", "re", "enum")
    assert first > sum(loading._native(name)[0] for name in modules)


def test_the_modules_of_start_up_cost_nothing(tmp_path):
    first, _ = _timed_import(tmp_path, "os")
    assert first < 10_000


@pytest.mark.feature("interpreter")
def test_module_level_imports_leave_out_functions_and_the_main_guard():
    source = (
        "import a\n"
        "from b.c import d, e\n"
        "from . import f\n"
        "class K:\n"
        "    import g\n"
        "def function():\n"
        "    import h\n"
        "if __name__ == '__main__':\n"
        "    import i\n"
        "import j\n"
    )
    code = compile(source, "<module>", "exec")
    assert list(loading.module_level_imports(code)) == [
        ("a", None, 0),
        ("b.c", ("d", "e"), 0),
        ("", ("f",), 1),
        ("j", None, 0),
        ("g", None, 0),
    ]


@pytest.mark.feature("interpreter")
def test_a_fork_child_loads_only_what_its_parent_had_not(tmp_path):
    source = """
        import os
        import time
        import colorsys

        for name in ("colorsys", "bisect"):
            pid = os.fork()
            if pid == 0:
                t0 = time.perf_counter_ns()
                exec(f"import {name}")
                print(name, time.perf_counter_ns() - t0)
                os._exit(0)
            os.waitpid(pid, 0)
    """
    result = run(tmp_path, source)
    assert result.exit_status == 0, result.stderr
    lines = dict(line.split() for line in result.stdout.splitlines())
    assert int(lines["colorsys"]) < 100_000  # the parent had it: only exec's instructions
    # bisect is new to the child: its load, and the copy-on-write of its first import.
    load_ns = loading._native("bisect")[0] + loading._native("_bisect")[0]
    fault_ns = pages.IMPORT_STATE_PAGES * pages.LOAD_FAULT_NS
    assert int(lines["bisect"]) > load_ns + fault_ns
    colorsys_child, bisect_child = result.summary["processes"][1:]
    assert colorsys_child["pages_copied"] < pages.IMPORT_STATE_PAGES
    assert bisect_child["pages_copied"] >= pages.IMPORT_STATE_PAGES


def test_compiling_source_costs_by_its_length(tmp_path):
    source = """
        import time

        text = "x = 1\\n" * 10_000
        t0 = time.perf_counter_ns()
        compile(text, "<text>", "exec")
        print(time.perf_counter_ns() - t0)
    """
    result = run(tmp_path, source)
    elapsed = int(result.stdout)
    assert 60_000 * 82 <= elapsed <= 60_000 * 82 + 10_000
