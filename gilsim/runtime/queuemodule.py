"""The simulated ``_queue`` (``Modules/_queuemodule.c``): ``SimpleQueue``, the C queue that
``queue.SimpleQueue`` is, on the simulated machine.

The C one waits for an item in C without the GIL, which would block the host's one thread;
this one waits as a simulated thread does.  What it keeps of the C one:

- ``put`` never blocks, and takes ``block`` and ``timeout`` only to ignore them.  It runs no
  Python code of the program (it is a C call towards the program), so a ``put`` from a
  ``__del__`` or a signal handler in the middle of another ``put`` or ``get`` finds the queue
  whole (bpo-14976: "reentrant").
- ``get(block=True, timeout=None)`` waits without the GIL; a negative ``timeout`` is a
  ``ValueError``, no item in time raises ``_queue.Empty`` (the host's exception class: the
  one ``queue.Empty`` is).
- Whom a ``put`` serves: 3.13 hands the item to the first waiting ``get`` (``_PyParkingLot_Unpark``
  with ``maybe_handoff_item``), which returns it whoever else calls ``get`` before it runs
  again; 3.12 only wakes a waiting ``get`` (``PyThread_release_lock`` of the queue's lock),
  which looks again and may find the item taken and wait again.
- Not picklable, weakly referable, generic (``SimpleQueue[int]``), a base class.
"""

from __future__ import annotations

import _queue
import collections
import sys
import types
from typing import Any

from gilsim.interpreter import state
from gilsim.machine import OSThread, Wait
from gilsim.runtime import ShadowModule
from gilsim.runtime.threadmodule import _in_time_order, _timeout_ns

# 3.13's ``put`` hands its item to a waiting ``get`` (the parking lot); 3.12's only wakes it.
HANDS_OFF = sys.version_info >= (3, 13)

Empty = _queue.Empty

# The C type's ``tp_name``, which messages name it by.
_TP_NAME = "_queue.SimpleQueue"


class _Waiter:
    """A ``get`` waiting for an item: its thread, and the item handed to it (3.13)."""

    __slots__ = ("thread", "handed", "item")

    def __init__(self, thread: OSThread) -> None:
        self.thread = thread
        self.handed = False
        self.item: Any = None


class SimpleQueue:
    """Simple, unbounded, reentrant FIFO queue."""

    __slots__ = ("_items", "_waiters", "__weakref__")
    _items: collections.deque[Any]
    _waiters: collections.deque[_Waiter]

    def __new__(cls, *args: Any, **kwargs: Any) -> SimpleQueue:
        if args:  # ``simplequeue_new`` takes no argument
            raise TypeError(f"{cls.__name__}() takes no positional arguments")
        if kwargs:
            raise TypeError(f"{cls.__name__}() takes no keyword arguments")
        self = object.__new__(cls)
        self._items = collections.deque()
        self._waiters = collections.deque()
        return self

    def put(self, item: Any, block: Any = True, timeout: Any = None) -> None:
        """Put the item on the queue (``block`` and ``timeout`` are ignored)."""
        _in_time_order()
        if self._waiters:
            waiter = self._waiters.popleft()
            if HANDS_OFF:
                waiter.handed, waiter.item = True, item
            else:
                self._items.append(item)
            _machine(waiter.thread).wake(waiter.thread)
            return
        self._items.append(item)

    def put_nowait(self, item: Any) -> None:
        """Put an item into the queue without blocking."""
        self.put(item)

    def get(self, block: Any = True, timeout: Any = None) -> Any:
        """Remove and return an item from the queue, waiting for one if ``block`` is true
        (at most ``timeout`` seconds if it is not None); ``Empty`` if there is none."""
        if block and timeout is not None:
            if not isinstance(timeout, int | float):
                raise TypeError(
                    f"'{type(timeout).__name__}' object cannot be interpreted as an integer"
                )
            if timeout < 0:
                raise ValueError("'timeout' must be a non-negative number")
            timeout_ns: int | None = _timeout_ns(True, timeout)
        else:
            timeout_ns = None
        _in_time_order()
        if self._items:
            return self._items.popleft()
        if not block:
            raise Empty
        ts = state.current_thread()
        thread = ts.os_thread
        machine = ts.interp.machine
        end = None if timeout_ns is None else machine.now_ns() + timeout_ns
        ts.interp.gil.drop_gil(thread)  # the parking lot's ``detach``, or Py_BEGIN_ALLOW_THREADS
        try:
            waiter = self._wait(thread, machine, end)
        finally:
            ts.interp.gil.take_gil(thread)
        if waiter.handed:
            return waiter.item
        raise Empty

    def _wait(self, thread: OSThread, machine: Any, end: int | None) -> _Waiter:
        """Wait, without the GIL, until a ``put`` hands an item over (3.13), or finds one
        (3.12), or until ``end`` (virtual ns); a waiter ``handed`` nothing timed out."""
        waiter = _Waiter(thread)
        wait = Wait("lock", "an item of a queue.SimpleQueue", self)
        while True:
            if not HANDS_OFF and self._items:
                waiter.handed, waiter.item = True, self._items.popleft()
                return waiter
            remaining = None if end is None else end - machine.now_ns()
            if remaining is not None and remaining <= 0:
                return waiter
            self._waiters.append(waiter)
            machine.block(thread, wait, remaining)
            if waiter in self._waiters:
                self._waiters.remove(waiter)  # timed out, or killed
            if waiter.handed:
                return waiter

    def get_nowait(self) -> Any:
        """Remove and return an item from the queue without blocking."""
        return self.get(False)

    def empty(self) -> bool:
        """Return True if the queue is empty, False otherwise (not reliable!)."""
        _in_time_order()
        return not self._items

    def qsize(self) -> int:
        """Return the approximate size of the queue (not reliable!)."""
        _in_time_order()
        return len(self._items)

    def __sizeof__(self) -> int:
        return object.__sizeof__(self) + 8 * len(self._items)

    def __reduce_ex__(self, protocol: Any) -> Any:
        # A C type without ``__reduce__`` of its own and with no ``__dict__``: ``copyreg``
        # refuses it so (``_reduce_ex``: "cannot pickle ... object").
        name = _TP_NAME if type(self) is SimpleQueue else type(self).__name__
        raise TypeError(f"cannot pickle {name!r} object")

    __class_getitem__: Any = classmethod(types.GenericAlias)


SimpleQueue.__module__ = "_queue"


def _machine(thread: OSThread) -> Any:
    return thread.payload.interp.machine


def make_queue(interp: state.InterpreterState) -> ShadowModule:
    """The shadow ``_queue``: ``SimpleQueue`` simulated, ``Empty`` the host's."""
    return ShadowModule(_queue, {"SimpleQueue": SimpleQueue, "Empty": Empty})
