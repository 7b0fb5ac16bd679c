"""The simulated ``_queue.SimpleQueue`` (``gilsim.runtime.queuemodule``): what CPython's C
queue does, with its waits in virtual time."""

import os
import subprocess
import sys
import textwrap

import pytest

import gilsim

pytestmark = pytest.mark.skipif(sys.version_info < (3, 12), reason="the host's interpreter")


def run(source):
    result = gilsim.run(source=textwrap.dedent(source))
    assert result.error is None, result.error
    return result.stdout


def same_as_cpython(source):
    """Run ``source`` under CPython and under gilsim; both print the same."""
    source = textwrap.dedent(source)
    native = subprocess.run(
        [sys.executable, "-c", source], capture_output=True, text=True, env=dict(os.environ)
    )
    assert native.returncode == 0, native.stderr
    assert run(source) == native.stdout
    return native.stdout


def test_queue_simple_queue_is_the_c_one_and_its_errors_are_cpythons():
    out = same_as_cpython(
        """
        import _queue, pickle, queue, weakref
        print(queue.SimpleQueue is _queue.SimpleQueue, queue.Empty is _queue.Empty)
        print(queue.SimpleQueue.__module__, queue.SimpleQueue[int])
        q = queue.SimpleQueue()
        print(weakref.ref(q)() is q, q.empty(), q.qsize())
        q.put(1); q.put(2, block=False, timeout=-5); q.put_nowait(3)
        print(q.qsize(), q.get(), q.get_nowait(), q.get(block=False), q.empty())
        for call in (lambda: q.get(timeout=-1), lambda: q.get(timeout="1"),
                     lambda: queue.SimpleQueue(1), lambda: queue.SimpleQueue(a=1),
                     lambda: pickle.dumps(q), q.get_nowait):
            try:
                call()
            except Exception as e:
                print(type(e).__name__, e)
        class Mine(queue.SimpleQueue):
            pass
        try:
            pickle.dumps(Mine())
        except TypeError as e:
            print(e)
        """
    )
    assert out.startswith("True True\n_queue _queue.SimpleQueue[int]\n")


def test_get_waits_in_virtual_time_and_a_timeout_raises_empty():
    out = run(
        """
        import queue, threading, time
        start = time.perf_counter()  # (after the imports, which take their time)
        q = queue.SimpleQueue()
        def later():
            time.sleep(0.25)
            q.put("item")
        threading.Thread(target=later).start()
        print(q.get(), round(time.perf_counter() - start, 2))
        try:
            q.get(timeout=0.5)
        except queue.Empty:
            print("Empty", round(time.perf_counter() - start, 2))
        """
    )
    assert out == "item 0.25\nEmpty 0.75\n"


def test_a_put_from_a_finalizer_inside_put_and_get_keeps_the_queue_whole():
    """bpo-14976 (``test_queue``'s ``test_reentrancy``): ``__del__`` of a garbage cycle may
    run whenever the collector runs, in the middle of another ``put``."""
    out = same_as_cpython(
        """
        import gc, itertools, queue
        q = queue.SimpleQueue()
        numbers = itertools.count()
        class Circular:
            def __init__(self):
                self.me = self
            def __del__(self):
                q.put(next(numbers))
        gc.set_threshold(5)
        results = []
        while not results or results[-1] < 2000:
            o = Circular()
            q.put(next(numbers))
            del o
            results.append(q.get())
        print(results == list(range(len(results))), len(results) > 2000 - 1)
        """
    )
    assert out == "True True\n"


@pytest.mark.skipif(sys.version_info < (3, 13), reason="3.13's hand-off to a waiting get")
def test_3_13_hands_the_item_to_the_waiting_get():
    """A ``put`` gives its item to the thread waiting in ``get`` (``_PyParkingLot_Unpark``):
    a ``get_nowait`` of the putting thread, right after, finds nothing."""
    out = run(
        """
        import queue, threading, time
        q = queue.SimpleQueue()
        got = []
        waiter = threading.Thread(target=lambda: got.append(q.get()))
        waiter.start()
        time.sleep(0.01)
        q.put("handed")
        try:
            print(q.get_nowait())
        except queue.Empty:
            print("Empty")
        waiter.join()
        print(got)
        """
    )
    assert out == "Empty\n['handed']\n"


@pytest.mark.skipif(sys.version_info >= (3, 13), reason="3.12 only wakes the waiting get")
def test_3_12_wakes_the_waiting_get_which_may_find_the_item_gone():
    """3.12's ``put`` releases the queue's lock: the waiter wakes and looks again, and a
    ``get_nowait`` of the putting thread before it runs takes the item; the waiter waits on."""
    out = run(
        """
        import queue, threading, time
        q = queue.SimpleQueue()
        got = []
        waiter = threading.Thread(target=lambda: got.append(q.get()))
        waiter.start()
        time.sleep(0.01)
        q.put("first")
        print(q.get_nowait())
        q.put("second")
        waiter.join()
        print(got)
        """
    )
    assert out == "first\n['second']\n"


def test_a_get_waiting_for_ever_is_a_deadlock_that_names_the_queue():
    result = gilsim.run(source="import queue\nqueue.SimpleQueue().get()\n")
    assert result.error is not None
    assert "deadlock" in result.error
    assert "an item of a queue.SimpleQueue" in result.error
