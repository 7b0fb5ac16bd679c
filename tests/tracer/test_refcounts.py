"""Watching reference counts on the host's interpreter (``gilsim.tracer.refcounts``): the
instructions read, and a thread that stops inside an instruction."""

import dis
import sys
import textwrap
from collections import Counter

import pytest

import gilsim

pytestmark = pytest.mark.skipif(sys.version_info < (3, 12), reason="the host's interpreter")


def test_the_watch_reads_before_every_instruction_that_may_change_a_count():
    from gilsim.tracer.codeinfo import analyse
    from gilsim.tracer.refcounts import UNCOUNTED, HostWatch
    from gilsim.versions import host

    def sample(items):
        total = 0
        for item in items:
            total += item
        return total

    watched = HostWatch.offsets(None, analyse(sample.__code__, host()))  # type: ignore[arg-type]
    instructions = list(dis.get_instructions(sample.__code__))
    assert {i.offset for i in instructions if i.opname not in UNCOUNTED} == watched
    assert {i.opname for i in instructions if i.offset not in watched} >= {"JUMP_BACKWARD"}


SWITCHED_IN_CALLS = textwrap.dedent(
    """
    import threading
    class A: pass
    x = A()
    keep = []
    def same(o):
        return o
    start = threading.Barrier(2)
    def work():
        start.wait()
        for _ in range(1000):
            keep.append(x)
            keep.pop()
            same(x)
    threads = [threading.Thread(target=work) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    """
)


def test_what_gilsim_holds_while_a_thread_is_stopped_in_a_call_is_never_counted():
    """Threads switched every few microseconds: what gilsim's callbacks hold while a thread
    is stopped inside an instruction (a call's argument, a returned value) is not the
    program's.  Each iteration takes and drops three references (``x`` pushed for
    ``append``, pushed for ``same``, ``same``'s parameter): 6,000 updates each way, one
    reference each, and not one more."""
    result = gilsim.run(
        source=SWITCHED_IN_CALLS, refcounts=("x",), trace=True, switch_interval_ns="2us"
    )
    assert result.exit_status == 0, result.stderr
    counts = [e["count"] for e in result.trace if e["event"] == "refcount"]
    switches = [e for e in result.trace if e["event"] == "gil_take"]
    assert len(switches) > 5
    steps = Counter(b - a for a, b in zip(counts, counts[1:], strict=False))
    assert steps == {1: 6000, -1: 6000}
