"""What loading a module costs a process on the host's interpreter
(``gilsim.runtime.hostloading``): the model of ``gilsim.interpreter.loading``, once per
process, a fork child keeping its parent's record."""

import importlib.util
import marshal
import os
import subprocess
import sys
import textwrap

import pytest

import gilsim
from gilsim.interpreter import loading

REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

pytestmark = pytest.mark.skipif(sys.version_info < (3, 12), reason="the host's interpreter")


def run(source, **options):
    return gilsim.run(source=textwrap.dedent(source), **options)


TIMED = """
    import time
    t0 = time.perf_counter()
    import {name}
    t1 = time.perf_counter()
    import {name}
    t2 = time.perf_counter()
    print(round((t1 - t0) * 1e9), round((t2 - t1) * 1e9))
    """


def test_a_module_run_in_the_program_costs_its_reading_once():
    """``colorsys`` is not gilsim's: its body runs in the program, which pays finding and
    reading it besides its instructions; the second ``import`` only the instruction.  (Not
    imported here: the run would find it loaded.)"""
    first, second = map(int, run(TIMED.format(name="colorsys")).stdout.split())
    code = importlib.util.find_spec("colorsys").loader.get_code("colorsys")
    size = len(marshal.dumps(code))
    assert loading.COSTS.read(size) <= first < loading.COSTS.source(size) + 200_000
    assert second < 10_000


def test_a_module_gilsim_had_loaded_costs_its_whole_load():
    """``attrs`` is one of gilsim's own, kept in ``sys.modules`` for the run: the program's
    ``import`` runs nothing, and pays what CPython takes to load it and what it needs."""
    first, second = map(int, run(TIMED.format(name="attrs")).stdout.split())
    assert first > loading.native("attrs")[0] + loading.native("attr")[0]
    assert second < 10_000


def test_a_fork_child_loads_only_what_its_parent_had_not():
    """The child's record is its parent's: ``colorsys`` is free there, ``bisect`` costs its
    loading and the interpreter's pages its first import copies."""
    result = run(
        """
        import colorsys, os, time
        pid = os.fork()
        if pid == 0:
            t0 = time.perf_counter()
            import colorsys
            t1 = time.perf_counter()
            import bisect
            t2 = time.perf_counter()
            print(round((t1 - t0) * 1e9), round((t2 - t1) * 1e9), flush=True)
            os._exit(0)
        os.waitpid(pid, 0)
        """
    )
    assert result.exit_status == 0, result.error
    inherited, new = map(int, result.stdout.split())
    assert inherited < 10_000
    faults_ns = loading.IMPORT_STATE_PAGES * loading.LOAD_FAULT_NS
    assert new > faults_ns + loading.native("bisect")[0]


def test_a_missing_module_fails_as_in_cpython():
    source = "import no_such_module_here\n"
    native = subprocess.run([sys.executable, "-c", source], capture_output=True, text=True)
    simulated = run(source)
    assert simulated.exit_status == native.returncode == 1
    assert "gilsim" not in simulated.stderr
    assert simulated.stderr.splitlines()[-1] == native.stderr.splitlines()[-1]


def test_the_imports_of_a_module_body_are_read_from_the_hosts_bytecode():
    """What a kept module brings with it: its body's imports, not its functions' nor its
    ``if __name__ == "__main__":`` block's, in the host version's bytecode."""
    code = compile(
        textwrap.dedent(
            """
            import a
            from .b import c
            class K:
                import d
            def f():
                import e
            if __name__ == "__main__":
                import z
            """
        ),
        "m",
        "exec",
    )
    assert list(loading.module_level_imports(code)) == [
        ("a", None, 0),
        ("b", ("c",), 1),
        ("d", None, 0),
    ]


def test_a_modules_warning_at_import_points_at_the_import(tmp_path):
    """``stacklevel=2`` in a module's body names the line that imported it, as in CPython:
    gilsim's ``__import__`` is skipped as the import system's frames are."""
    (tmp_path / "warn_mod.py").write_text(
        'import warnings\nwarnings.warn("old", UserWarning, stacklevel=2)\n'
    )
    main = tmp_path / "main.py"
    main.write_text("import warn_mod\n")
    native = subprocess.run(
        [sys.executable, str(main)], capture_output=True, text=True, cwd=tmp_path
    )
    # (In a process of its own: pytest records the warnings of its own process.)
    simulated = subprocess.run(
        [sys.executable, "-m", "gilsim", "run", str(main)],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        env=dict(os.environ, PYTHONPATH=os.pathsep.join([REPO, os.environ.get("PYTHONPATH", "")])),
    )
    assert simulated.stderr == native.stderr
    assert "main.py:1: UserWarning: old" in simulated.stderr
