"""Happens-before, with vector clocks (Lamport 1978; Fidge 1988, Mattern 1988).

Each thread has a vector clock: for every thread, how many of its *epochs* it knows to have
happened before the thread's present.  A thread's own entry counts its epochs; it starts a new
one whenever it publishes its clock (releasing a lock, starting a thread), so that what it does
afterwards is not mistaken for what it published.  An access made in epoch ``c`` of thread
``t`` happens before the present of thread ``u`` exactly when ``c <= clock_of_u[t]``.

Edges, each a *release* of a clock into a synchronisation object and a later *acquire* of it:

- starting a thread: the parent's clock at ``_thread.start_new_thread`` becomes the child's
  (``started``);
- a lock: a release stores the releaser's clock in the lock, a later acquire of the same lock
  joins it into the acquirer's (``released``/``acquired``, hooked in ``lock._take``,
  ``lock._wait`` and ``lock.release``).  ``RLock``, and everything ``threading`` and ``queue``
  build on locks, follow: ``join`` acquires the thread's ``_tstate_lock``, released when its
  state is deleted; ``Condition``, ``Event``, ``Semaphore`` and ``queue.Queue`` are locks and
  lists of locks.

Process boundaries (fork, spawn, forkserver; pipes and queues between processes) are further
edges of the same shape, to be added here: at process creation the child's threads start from
the creating thread's clock (``started``), and a message carries the sender's clock to its
receiver (``released`` into the channel's key when sent, ``acquired`` when received).  Thread
identities are unique per run, so clocks of several processes can share one ``Clocks``.

Clocks are never changed once published: a thread's clock is replaced, not updated, so that
access records and synchronisation objects can share it without copying.
"""

from __future__ import annotations

from collections.abc import Hashable

# A vector clock: thread ident -> epoch.  Missing entries are 0.
VectorClock = dict[int, int]


class Clocks:
    """Every thread's current vector clock, and the clock each synchronisation object
    (a lock, by key) last received."""

    def __init__(self) -> None:
        self.threads: dict[int, VectorClock] = {}
        self.objects: dict[Hashable, VectorClock] = {}

    def of(self, tid: int) -> VectorClock:
        """Thread ``tid``'s clock (a thread first seen starts in its epoch 1)."""
        clock = self.threads.get(tid)
        if clock is None:
            clock = self.threads[tid] = {tid: 1}
        return clock

    def started(self, parent: int, child: int) -> None:
        """``parent`` starts ``child``: all the parent did so far happens before the child."""
        clock = self.of(parent)
        self.threads[child] = {**clock, child: 1}
        self.threads[parent] = {**clock, parent: clock[parent] + 1}

    def released(self, tid: int, key: Hashable) -> None:
        """``tid`` releases object ``key``: a later acquirer will know its present."""
        clock = self.of(tid)
        self.objects[key] = clock
        self.threads[tid] = {**clock, tid: clock[tid] + 1}

    def acquired(self, tid: int, key: Hashable) -> None:
        """``tid`` acquires ``key``: what its last releaser did happens before from now."""
        published = self.objects.get(key)
        if published is None:
            return
        clock = self.of(tid)
        joined = dict(clock)
        changed = False
        for thread, epoch in published.items():
            if epoch > joined.get(thread, 0):
                joined[thread] = epoch
                changed = True
        if changed:
            self.threads[tid] = joined

    def forget(self, key: Hashable) -> None:
        """``key`` is gone (a lock was collected): drop what it held."""
        self.objects.pop(key, None)


def ordered(tid: int, epoch: int, clock: VectorClock) -> bool:
    """Whether an access of thread ``tid`` in its ``epoch`` happens before the moment whose
    clock is ``clock``."""
    return epoch <= clock.get(tid, 0)
