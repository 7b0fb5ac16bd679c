"""The tracer's C callbacks (``gilsim.tracer._ctracer``) and its Python callbacks give the same
runs: the same output, virtual time, instruction counts, per-thread figures and schedule,
event for event (as coverage.py tests its C tracer against its Python one).  The suite runs
on either path: ``GILSIM_PURE_TRACER=1`` selects the Python callbacks."""

import shutil
import sys
import textwrap

import pytest

import gilsim

pytestmark = pytest.mark.skipif(sys.version_info < (3, 12), reason="the host's interpreter")

if sys.version_info >= (3, 12):
    from gilsim.tracer import monitor
else:
    monitor = None

BUILT = monitor is not None and monitor._ctracer is not None
needs_accelerator = pytest.mark.skipif(not BUILT, reason="the C callbacks were not built")

PROGRAMS = {
    "threads": """
        import threading
        total = 0
        def work(n):
            global total
            for i in range(n):
                if i % 3:
                    total += i
                else:
                    total -= 1
        threads = [threading.Thread(target=work, args=(150_000,)) for _ in range(3)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        print(total)
        """,
    "generators_and_exceptions": """
        def numbers(n):
            for i in range(n):
                try:
                    if i % 7 == 0:
                        raise ValueError(i)
                    yield i
                except ValueError as error:
                    yield -error.args[0]
        def chained(n):
            yield from numbers(n)
            yield from (i * i for i in range(n))
        print(sum(chained(5_000)), sum(x for x in chained(300) if x > 0))
        """,
    "recursion": """
        import sys
        def down(n):
            return down(n + 1) if n < 10**6 else n
        deepest = 0
        def probe(n):
            global deepest
            deepest = n
            probe(n + 1)
        try:
            probe(0)
        except RecursionError as error:
            print("deepest", deepest, error)
        sys.setrecursionlimit(120)
        try:
            down(0)
        except RecursionError:
            print("again")
        sys.setrecursionlimit(100_000)
        def through_c(n):  # each level in C too: the C stack's limit
            global deepest
            deepest = n
            return list(map(through_c, [n + 1]))
        try:
            through_c(0)
        except RecursionError as error:
            print("through C", deepest, error)
        """,
    "classes_and_unchecked_calls": """
        import threading
        class Point:
            def __init__(self, x, y):
                self.x, self.y = x, y
        class Tagged(Point):
            pass
        def work(n):
            items = []
            for i in range(n):
                items.append(Point(i, len(items)) if i % 2 else Tagged(i, 0))
                isinstance(items[-1], Point)
            return len(items)
        threads = [threading.Thread(target=work, args=(20_000,)) for _ in range(2)]
        for t in threads:
            t.start()
        print(work(10_000))
        for t in threads:
            t.join()
        """,
    "native_costs": """
        import time
        values = [(i * 7919) % 1009 for i in range(3_000)]
        text = ",".join(str(v) for v in values)
        merged = {}
        for chunk in range(10):
            merged.update({v: chunk for v in values[chunk::10]})
            values.extend(sorted(values[:100], key=lambda v: -v))
        pairs = [(v % 13, -v) for v in values[:500]]
        pairs.sort()
        print(pairs[0], sorted(map(abs, values[:50]))[-1])
        time.sleep(0.001)
        print(sum(values), len(text), len(merged), max(values), sum(range(100_000)))
        """,
}


def both_paths(monkeypatch, source, **options):
    """The run of ``source`` with the C callbacks, and with the Python ones."""
    monkeypatch.delenv("GILSIM_PURE_TRACER", raising=False)
    accelerated = gilsim.run(source=textwrap.dedent(source), **options)
    monkeypatch.setenv("GILSIM_PURE_TRACER", "1")
    pure = gilsim.run(source=textwrap.dedent(source), **options)
    return accelerated, pure


@needs_accelerator
@pytest.mark.parametrize("name", sorted(PROGRAMS))
def test_both_paths_give_the_same_run(monkeypatch, name):
    """Output, virtual time, instruction counts, the summary and the schedule agree."""
    accelerated, pure = both_paths(monkeypatch, PROGRAMS[name], trace=True)
    assert accelerated.exit_status == 0, accelerated.stderr
    assert accelerated.stdout == pure.stdout
    assert accelerated.stderr == pure.stderr
    assert accelerated.virtual_time_ns == pure.virtual_time_ns
    assert accelerated.instructions == pure.instructions
    assert accelerated.summary == pure.summary
    assert accelerated.trace == pure.trace


@needs_accelerator
def test_both_paths_stop_at_the_same_limit(monkeypatch):
    """A run past ``--max-instructions`` stops at the same instruction on either path."""
    source = "total = 0\nfor i in range(10**7):\n    total += i\n"
    accelerated, pure = both_paths(monkeypatch, source, max_instructions=123_457)
    assert accelerated.exit_status != 0
    assert "--max-instructions" in (accelerated.error or "")
    assert accelerated.error == pure.error
    assert accelerated.instructions == pure.instructions
    assert accelerated.virtual_time_ns == pure.virtual_time_ns


@needs_accelerator
def test_the_environment_chooses_the_path(monkeypatch):
    """``GILSIM_PURE_TRACER=1`` gives the program's events to the Python callbacks."""
    probe = """
        import sys
        events = sys.monitoring.events
        for tool in (3, 4):
            callback = sys.monitoring.register_callback(tool, events.JUMP, None)
            sys.monitoring.register_callback(tool, events.JUMP, callback)
            if callback is not None:
                print(type(callback).__name__)
        """
    accelerated, pure = both_paths(monkeypatch, probe)
    assert accelerated.stdout == "builtin_function_or_method\n"
    assert pure.stdout == "function\n"
    assert not monitor.accelerated()
    monkeypatch.setenv("GILSIM_PURE_TRACER", "0")
    assert monitor.accelerated()


@pytest.mark.skipif(shutil.which("gcc") is None, reason="no C compiler to build it with")
def test_the_accelerator_is_built_where_a_compiler_is():
    """``pip install`` builds the C callbacks on 3.12 and later when it finds a compiler."""
    assert BUILT
