"""A program on the host's interpreter, as a user meets it: the shadows of the C boundary
are C functions to it (a refusal stops the run, a failure shows no frame of gilsim's), every
path to a shadowed module reaches the shadow, and C modules that would block the host are
simulated."""

import subprocess
import sys
import textwrap

import pytest

import gilsim

pytestmark = pytest.mark.skipif(sys.version_info < (3, 12), reason="the host's interpreter")


def run(source, **options):
    return gilsim.run(source=textwrap.dedent(source), **options)


def test_a_refused_call_stops_the_run_past_the_programs_handlers():
    result = run(
        """
        import os
        try:
            os.system("true")
        except BaseException:
            print("caught")
        print("after")
        """
    )
    assert result.exit_status == 2
    assert result.stdout == ""
    assert "os.system() starts a process" in result.error
    assert "<string>, line 4" in result.error


def test_an_error_raised_in_a_shadow_shows_the_programs_frames_only():
    source = "import threading\nlock = threading.Lock()\nlock.release()\n"
    native = subprocess.run([sys.executable, "-c", source], capture_output=True, text=True)
    simulated = run(source)
    assert simulated.exit_status == native.returncode == 1
    assert "gilsim" not in simulated.stderr
    assert simulated.stderr.splitlines()[-1] == native.stderr.splitlines()[-1]
    assert "line 3, in <module>" in simulated.stderr


def test_every_path_to_a_shadowed_module_reaches_the_shadow():
    result = run(
        """
        import importlib, sys, time
        from time import perf_counter
        print(__import__("time") is time is importlib.import_module("time") is sys.modules["time"])
        time.sleep(1.5)
        print(round(perf_counter(), 1), round(importlib.import_module("time").monotonic(), 1))
        """
    )
    assert result.stdout == "True\n1.5 1.5\n"


def test_queue_uses_the_simulated_c_simple_queue_and_blocks_in_the_simulation():
    result = run(
        """
        import queue, threading, time
        q = queue.SimpleQueue()
        def later():
            time.sleep(0.25)
            q.put("item")
        threading.Thread(target=later).start()
        print(type(q).__name__, q.get(), round(time.perf_counter(), 2))
        """
    )
    assert result.stdout == "SimpleQueue item 0.25\n"


def test_the_programs_frames_stand_on_nothing_of_gilsims():
    result = run(
        """
        import threading, traceback
        print(len(traceback.extract_stack()))
        def work():
            print([f.name for f in traceback.extract_stack()])
        t = threading.Thread(target=work)
        t.start()
        t.join()
        """
    )
    assert result.stdout == "1\n['_bootstrap', '_bootstrap_inner', 'run', 'work']\n"


def callers_hooks_seen():
    """In a child (``call_in_child``), as in a test session: a ``gc.callbacks`` function and
    a profile function of the caller's, each noting where it ran, around a run whose
    program makes garbage cycles."""
    import gc

    from gilsim import hostprogram
    from gilsim.config import Config
    from gilsim.interpreter import state

    seen = []

    def collecting(phase, info):
        if state.current is not None:  # in one of the program's threads
            seen.append(("gc", phase))

    def profiling(frame, event, arg):
        if frame.f_code.co_filename == "<string>":  # the program's
            seen.append(("profile", event))

    gc.callbacks.append(collecting)
    sys.setprofile(profiling)
    try:
        source = "class Node: pass\nfor i in range(20000):\n    n = Node(); n.me = n\n"
        status = hostprogram.run_main(source, "<string>", ["-c"], Config()).exit_status
    finally:
        sys.setprofile(None)
    return status, seen, gc.callbacks.count(collecting)


def test_the_callers_gc_callbacks_and_profiler_stay_out_of_the_run():
    """A new interpreter has neither: the program's collections and frames are not the
    caller's to see (a test runner's ``gc.callbacks`` ran inside the simulated threads)."""
    from gilsim.isolation import call_in_child

    status, seen, kept = call_in_child(callers_hooks_seen)
    assert status == 0
    assert seen == []
    assert kept == 1  # given back after the run


def imported_after_a_run_stopped_inside_its_import(directory):
    """In a child (``call_in_child``): a run stopped by ``--max-time`` while its main module
    imports ``slow`` (whose body counts to a million, some 20 ms), then the host's own import
    of ``slow``; the run's exit status, the import lock the run left, and the module the
    host got."""
    import importlib._bootstrap
    import os
    import signal

    from gilsim import hostprogram
    from gilsim.config import Config

    signal.alarm(60)  # (the host's import would wait for ever: end the child instead)
    (directory / "slow.py").write_text("for i in range(10**6):\n    pass\ndone = True\n")
    os.chdir(directory)  # (``-c``'s first path: the current directory)
    sys.path.insert(0, str(directory))
    config = Config(max_time_ns=5_000_000)
    status = hostprogram.run_main("import slow\n", "<string>", ["-c"], config).exit_status
    left = "slow" in importlib._bootstrap._module_locks
    import slow

    signal.alarm(0)
    return status, left, slow.done


def test_a_run_stopped_inside_an_import_leaves_the_hosts_imports_working(tmp_path):
    """The module's import lock, made during the run of the shadow's lock and held by the
    stopped thread, goes with the run (``hostworld.World.restore``)."""
    from gilsim.isolation import call_in_child

    status, left, done = call_in_child(imported_after_a_run_stopped_inside_its_import, tmp_path)
    assert status != 0
    assert not left
    assert done is True


def test_a_shadowed_module_imported_afresh_is_its_shadow_again():
    """``test_queue``'s C tests import ``_queue`` afresh
    (``import_helper.import_fresh_module``): the host's ``SimpleQueue.get`` would block the
    host in a real lock, so the import finds the shadow again."""
    result = run(
        """
        import sys, _queue
        from test.support import import_helper
        fresh = import_helper.import_fresh_module("queue", fresh=["_queue"])
        print(fresh.SimpleQueue is _queue.SimpleQueue, fresh.Empty is _queue.Empty)
        sys.modules.pop("_queue")
        import _queue as again
        print(again is _queue, sys.modules["_queue"] is _queue)
        """
    )
    assert result.error is None, result.error
    assert result.stdout == "True True\nTrue True\n"


def test_an_asynchronous_exception_through_ctypes_is_refused_not_waited_for():
    """``test_threading``'s ``test_PyThreadState_SetAsyncExc``: the host's function knows
    no simulated thread, and a program waiting for the exception would spin for ever."""
    result = run(
        """
        import ctypes, threading
        set_async_exc = ctypes.pythonapi.PyThreadState_SetAsyncExc
        set_async_exc.argtypes = (ctypes.c_ulong, ctypes.py_object)
        try:
            set_async_exc(threading.get_ident(), ctypes.py_object(ValueError))
            while True:
                pass
        except BaseException:
            print("caught")
        """
    )
    assert result.exit_status == 2
    assert result.stdout == ""
    assert "PyThreadState_SetAsyncExc() is not supported by gilsim" in result.error
    assert "<string>, line 6" in result.error
