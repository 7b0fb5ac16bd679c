"""A deadlock, a bad option and a bad switch interval each get a clear message, a clean exit
status, and nothing the program printed before is lost."""

import textwrap

import pytest

import gilsim
from gilsim.errors import ConfigurationError
from gilsim.gil import KINDS


def run(source, **options):
    return gilsim.run(source=textwrap.dedent(source), **options)


@pytest.mark.parametrize("gil", sorted(KINDS))
def test_two_locks_taken_in_opposite_orders_deadlock_with_a_report(gil):
    """Under every ``--gil``: without a GIL the threads run at once, and still deadlock."""
    result = run(
        """
        import threading, time
        a, b = threading.Lock(), threading.Lock()
        def one():
            with a:
                time.sleep(0.001)
                with b:
                    pass
        def two():
            with b:
                time.sleep(0.001)
                with a:
                    pass
        t1 = threading.Thread(target=one, name="first")
        t2 = threading.Thread(target=two, name="second")
        t1.start(); t2.start()
        print("started both")
        t1.join()
        """,
        gil=gil,
    )
    assert result.exit_status == 3
    assert result.stdout == "started both\n"
    message = result.error
    assert message.startswith("deadlock:")
    assert "MainThread waits for the end of first (join)" in message
    # Locks are named the same in every run: a number and where the program made them.
    assert "first waits for lock #" in message and "(made at <string>:3), held by second" in message
    assert "second waits for" in message and "held by first" in message
    # Where each thread stopped, in the program's own code.
    assert 'File "<string>", line 7, in one' in message
    assert 'File "<string>", line 12, in two' in message
    assert "gilsim: deadlock:" in result.stderr


def test_waiting_for_an_event_nobody_sets_is_a_deadlock():
    result = run(
        """
        import threading
        threading.Event().wait()
        """
    )
    assert result.exit_status == 3
    assert "MainThread waits for a notification" in result.error


def test_a_timed_wait_is_not_a_deadlock():
    result = run(
        """
        import threading
        print(threading.Event().wait(0.01))
        """
    )
    assert (result.exit_status, result.stdout, result.error) == (0, "False\n", None)


def test_a_daemon_thread_blocked_for_ever_does_not_stop_the_exit():
    result = run(
        """
        import threading
        threading.Thread(target=threading.Event().wait, daemon=True).start()
        print("bye")
        """
    )
    assert (result.exit_status, result.stdout) == (0, "bye\n")


def test_a_non_daemon_thread_blocked_for_ever_deadlocks_at_shutdown():
    result = run(
        """
        import threading
        threading.Thread(target=threading.Event().wait, name="stuck").start()
        print("main done")
        """
    )
    assert result.exit_status == 3
    assert result.stdout == "main done\n"
    assert "MainThread waits for the end of stuck (join)" in result.error
    assert "stuck waits for a notification" in result.error


def test_setswitchinterval_zero_is_pythons_value_error():
    result = run("import sys\nsys.setswitchinterval(0)\n")
    assert result.exit_status == 1
    assert result.stderr.endswith("ValueError: switch interval must be strictly positive\n")


@pytest.mark.parametrize(
    "options, message",
    [
        ({"cores": 0}, "cores must be positive, got 0"),
        ({"switch_interval_ns": "0"}, "switch_interval must be positive, got 0"),
        ({"switch_interval_ns": "fast"}, "not a duration: 'fast'"),
        ({"machine": "cray"}, "unknown machine 'cray'"),
        ({"wake_policy": "lottery"}, "unknown GIL wake policy 'lottery'"),
    ],
)
def test_bad_settings_are_refused_clearly(options, message):
    with pytest.raises(ConfigurationError, match=message):
        gilsim.Config(**options)


def test_a_runaway_thread_is_stopped_by_max_time_and_output_is_kept():
    result = run(
        """
        import threading
        print("before")
        def spin():
            while True:
                pass
        threading.Thread(target=spin).start()
        """,
        max_time_ns="20ms",
    )
    assert result.exit_status == 3
    assert result.stdout == "before\n"
    assert "--max-time 20 ms" in result.error
    # Stopped in the spinning thread's loop (lines 5-6 of the source).
    assert result.error.endswith(('"<string>", line 5', '"<string>", line 6'))
