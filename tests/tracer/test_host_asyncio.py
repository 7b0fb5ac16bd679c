"""asyncio's C accelerator (``_asyncio``) under gilsim: the running event loop it keeps in
the host thread's state is kept per simulated thread (``gilsim.tracer.hoststate``), and the
program's ``_asyncio`` is its own, loaded afresh (``gilsim.runtime.hostworld``)."""

import sys
import textwrap

import pytest

import gilsim

pytestmark = pytest.mark.skipif(sys.version_info < (3, 12), reason="the host's interpreter")


def run(source, **options):
    return gilsim.run(source=textwrap.dedent(source), **options)


def test_a_thread_switched_in_mid_loop_sees_no_loop_of_another_thread():
    """The main thread's loop is running (inside ``asyncio.run``) while a thread that runs
    no loop computes: at every one of its switches in, it finds none."""
    result = run(
        """
        import asyncio, threading
        seen = set()
        def other():
            for _ in range(200):
                seen.add(asyncio._get_running_loop())
                sum(range(2000))
        async def main():
            t = threading.Thread(target=other)
            t.start()
            while t.is_alive():
                sum(range(2000))
                await asyncio.sleep(0)
            return asyncio._get_running_loop() is asyncio.get_running_loop()
        print(asyncio.run(main()), seen)
        """
    )
    assert result.error is None, result.error
    assert result.stdout == "True {None}\n"


def test_the_programs_asyncio_uses_the_c_tasks_bound_to_its_own_modules():
    result = run(
        """
        import asyncio, asyncio.events, _asyncio
        print(asyncio.Task is _asyncio.Task, asyncio.Future is _asyncio.Future)
        policy = asyncio.DefaultEventLoopPolicy()
        asyncio.set_event_loop_policy(policy)
        print(asyncio.get_event_loop_policy() is policy)
        loop = asyncio.new_event_loop()
        asyncio.set_event_loop(loop)
        print(_asyncio.get_event_loop() is loop)  # the C function asks the program's policy
        loop.close()
        """
    )
    assert result.error is None, result.error
    assert result.stdout == "True True\nTrue\nTrue\n"


def loop_left_after_a_stopped_run():
    """In a child (``call_in_child``), as ``gilsim.run`` runs a program: a run stopped by
    ``--max-time`` while its loop runs; its exit status, and the running loop of the host's
    thread afterwards."""
    from gilsim import hostprogram
    from gilsim.config import Config

    source = textwrap.dedent(
        """
        import asyncio
        async def forever():
            while True:
                await asyncio.sleep(0)
        asyncio.run(forever())
        """
    )
    # (Long enough for the stop to come in the loop, after the imports, whatever loading
    # them costs: a stop inside an import is ``test_host_program``'s.)
    config = Config(max_time_ns=60_000_000)
    status = hostprogram.run_main(source, "<string>", ["-c"], config).exit_status
    import _asyncio

    return status, _asyncio._get_running_loop()


def test_a_run_stopped_inside_a_loop_leaves_the_host_thread_no_running_loop():
    from gilsim.isolation import call_in_child

    status, loop = call_in_child(loop_left_after_a_stopped_run)
    assert status != 0
    assert loop is None
