"""Single instructions for the modes that look at them (``gilsim.tracer.instructions``): a
watcher sees exactly the instructions it asked for, before each runs, on the real frame, and
the clock it reads there is the instruction's own time."""

import sys
import textwrap

import pytest

pytestmark = pytest.mark.skipif(sys.version_info < (3, 12), reason="the host's interpreter")

SOURCE = textwrap.dedent(
    """
    import threading
    total = 0
    def add(n):
        global total
        for i in range(n):
            total = total + i
    threads = [threading.Thread(target=add, args=(50,)) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    print(total)
    """
)


class StoresOfTotal:
    """Sees each ``STORE_GLOBAL total`` of ``add``, and reads the frame as it is then."""

    def __init__(self):
        self.seen = []

    def offsets(self, info):
        import dis

        if info.code.co_name != "add":
            return ()
        return {
            ins.offset
            for ins in dis.get_instructions(info.code)
            if ins.opname == "STORE_GLOBAL" and ins.argval == "total"
        }

    def before(self, ts, frame, offset):
        from gilsim.interpreter import state

        interp = ts.interp
        self.seen.append(
            (frame.f_code.co_name, frame.f_locals["i"], interp.clock_ns, state.current is ts)
        )


def watched_run():
    """A run with the watcher installed (in a child: one run, one host process)."""
    from gilsim import hostprogram
    from gilsim.config import Config

    watcher = StoresOfTotal()
    made = hostprogram.new_interpreter

    def with_watcher(config, *args):
        interp = made(config, *args)
        interp.tracer.watch(watcher)
        return interp

    hostprogram.new_interpreter = with_watcher
    outcome = hostprogram.run_main(SOURCE, "<string>", ["-c"], Config())
    return outcome.exit_status, outcome.instructions, watcher.seen


def plain_run():
    from gilsim import hostprogram
    from gilsim.config import Config

    outcome = hostprogram.run_main(SOURCE, "<string>", ["-c"], Config())
    return outcome.exit_status, outcome.instructions


def test_a_watcher_sees_each_instruction_it_asked_for_before_it_runs():
    from gilsim.isolation import call_in_child

    status, instructions, seen = call_in_child(watched_run)
    assert status == 0
    assert len(seen) == 100
    assert all(name == "add" and current for name, _, _, current in seen)
    assert sorted(i for _, i, _, _ in seen) == sorted(list(range(50)) * 2)
    times = [clock for _, _, clock, _ in seen]
    assert all(b > a for a, b in zip(times, times[1:], strict=False))
    # Watching changes neither what runs nor what it costs.
    assert call_in_child(plain_run) == (0, instructions)
