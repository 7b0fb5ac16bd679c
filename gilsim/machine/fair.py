"""What the fair scheduler owes a thread: the lag of EEVDF (Linux 6.6 on,
``kernel/sched/fair.c``), reduced to what decides a wake-up preemption.

Why: whether a woken thread runs at once or waits for the next tick decides single-core
timings.  A thread that slept after running little, such as an I/O thread beside a
CPU-bound one, is owed CPU time and preempts the running thread as it wakes: measured on one
core, 200 µs sleeps beside a spinner cost 5.46 ms each under 3.11 (one 5 ms interval, no
tick) and 0.27-0.34 ms under 2.7 (about nothing).  A CPU-bound thread that starts waiting
after running its fill is owed nothing: a 3.11 GIL waiter whose 5 ms wait ends runs only at
the next tick, so one-core hand-offs come 8 ms apart (``docs/model/gil.md`` §7 item 14).

The model, with every thread of equal weight (nice 0):

* a thread's virtual runtime is its CPU time plus an offset fixed when it is placed;
* ``V`` is the average virtual runtime of the threads that compete for the cores (running
  or runnable), as ``avg_vruntime`` is the run queue's;
* a thread's lag is ``V`` less its virtual runtime, clamped to ``LAG_LIMIT_NS``
  (``update_entity_lag``); it is kept while the thread sleeps and restored when it is woken
  (``place_entity`` with ``PLACE_LAG``), and a new thread starts with none;
* a woken thread with a positive lag (eligible, in EEVDF's words) preempts the running
  thread furthest ahead of it, if one is ahead: EEVDF picks the eligible thread with the
  earliest virtual deadline, and a deadline is the virtual runtime plus one equal slice.

Left out: per-core run queues and their balancing, the slice protection of
``RUN_TO_PARITY``, and how placement scales a lag by the queue's weight.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from gilsim.machine.threads import OSThread

# ``update_entity_lag``: a lag is limited to two slices or one tick, whichever is more; with
# the 1.5 ms slice of two CPUs (0.75 ms scaled by 1 + log2(2)) that is the 4 ms tick.
LAG_LIMIT_NS = 4_000_000


def vruntime(thread: OSThread, now_ns: int) -> int:
    """The thread's virtual runtime (ns): its CPU time, up to now if it runs, plus its
    offset."""
    ran = thread.times["running"]
    if thread.state == "running":
        ran += max(0, now_ns - thread.since)
    return ran + thread.v_offset


def average(threads: Iterable[OSThread], now_ns: int) -> float | None:
    """``V``: the average virtual runtime of ``threads``, None if there are none."""
    runtimes = [vruntime(thread, now_ns) for thread in threads]
    return sum(runtimes) / len(runtimes) if runtimes else None


def keep_lag(thread: OSThread, competing: Iterable[OSThread], now_ns: int) -> None:
    """``dequeue_entity``: the thread stops competing; remember its lag."""
    v = average(competing, now_ns)
    if v is not None:
        lag = v - vruntime(thread, now_ns)
        thread.lag_ns = round(max(-LAG_LIMIT_NS, min(LAG_LIMIT_NS, lag)))


def place(thread: OSThread, competing: Iterable[OSThread], now_ns: int) -> None:
    """``place_entity``: the thread competes again, with the lag it had (a new one with
    none)."""
    v = average(competing, now_ns)
    if v is not None:
        thread.v_offset += round(v - thread.lag_ns) - vruntime(thread, now_ns)


def furthest_ahead(thread: OSThread, running: Iterable[OSThread], now_ns: int) -> OSThread | None:
    """The running thread that ``thread``, just woken, preempts: the one furthest ahead of
    it in virtual runtime, if the woken thread is owed time and one is ahead at all."""
    if thread.lag_ns <= 0:
        return None
    own = vruntime(thread, now_ns)
    best, best_v = None, own
    for other in running:
        v = vruntime(other, now_ns)
        if v > best_v:
            best, best_v = other, v
    return best
