"""What real CPython 3.11 does, as checks with tolerances: one function per phenomenon of
``docs/model/gil.md`` §7, applied to the figures a self-measuring program prints.

The same checks run against gilsim (``test_phenomena.py``) and against CPython itself on a
quiet machine (``test_against_cpython.py``).  Each states the real figures it allows for:
§8 of the spec (a 2-vCPU AMD VM) and ``MEASURED.md`` (this project's 2-vCPU Intel VM, where
CPython's figures come out a little higher: its hand-offs cost about 0.1 ms more).

``run(program, *args, cores=2)`` runs ``programs/<program>.py`` and returns its JSON figures.
"""

from __future__ import annotations

import statistics
from collections.abc import Callable
from typing import Any

Run = Callable[..., dict[str, Any]]


def lone_thread_never_switches(run: Run) -> None:
    """Item 1: one spinner beside threads blocked in sleep, Event.wait and a Lock: its only
    pauses are the host's own noise (CPython here: 0-14 gaps, none over 0.2 ms)."""
    figures = run("lone_spinner")
    assert figures["longest_gap_ms"] < 0.5, figures


def two_spinners_switch_every_interval(run: Run) -> None:
    """Items 2 and 3: two spinners hand the GIL over once per interval plus 0.1-0.35 ms
    (5 ms: median gap 5.12-5.15 ms in §8, 5.19-5.34 ms here; 1 ms: 1.09-1.27 ms;
    10 ms: 10.14-10.35 ms).  Rates count the host's own pauses too (here 4-19 per 2 s),
    so they are checked loosely: 185-225/s at 5 ms in 0.2 s runs here, 198-200 in §8."""
    five = run("two_spinners", "0.2", "0.005")
    assert 5.05 <= five["median_gap_ms"] <= 5.4, five
    assert five["p90_gap_ms"] <= five["median_gap_ms"] + 0.4, five
    assert 165 <= five["handoffs_per_s"] <= 235, five
    one = run("two_spinners", "0.1", "0.001")
    assert 1.03 <= one["median_gap_ms"] <= 1.3, one
    ten = run("two_spinners", "0.3", "0.010")
    assert 10.05 <= ten["median_gap_ms"] <= 10.45, ten
    # The gap follows the interval plus the same hand-off overhead.
    overhead = five["median_gap_ms"] - 5
    assert abs((one["median_gap_ms"] - 1) - overhead) < 0.2, (one, five)
    assert abs((ten["median_gap_ms"] - 10) - overhead) < 0.2, (ten, five)


def threads_do_not_speed_up_cpu_work(run: Run) -> None:
    """Item 4: two threads take about as long as doing the work in sequence (§8: 0.93;
    here 1.00-1.09)."""
    figures = run("throughput")
    assert 0.9 <= figures["ratio"] <= 1.15, figures


def lost_updates_only_where_a_switch_can_split_the_update(run: Run) -> None:
    """Item 6: ``counter += 1``, ``counter + len(L)`` and ``counter + isinstance(i, int)``
    lose nothing (3.11 to 3.13: their specialised calls do not check); a Python call or
    ``abs()`` between the load and the store loses hundreds of thousands of 2,000,000
    (§2.6: 590k and 712k in 3.11, 744k and 616k in 3.12, 309k and 596k in 3.13; here
    443k-858k)."""
    for body in ("inc", "len", "isinstance"):
        figures = run("lost_updates", body)
        assert figures["lost"] == 0, figures
    for body in ("call", "abs"):
        figures = run("lost_updates", body)
        assert 100_000 <= figures["lost"] <= 1_200_000, figures


def convoy_effect(run: Run) -> None:
    """Item 7: a 200 us sleep costs 0.28 ms alone and about one interval more beside a
    CPU-bound thread (5 ms: 5.38-5.49 ms; 1 ms: 1.35-1.42 ms)."""
    figures = run("convoy", "40", "0.005")
    assert 0.25 <= figures["alone_ms_per_op"] <= 0.33, figures
    assert 5.2 <= figures["with_cpu_ms_per_op"] <= 5.7, figures
    fast = run("convoy", "40", "0.001")
    assert 1.2 <= fast["with_cpu_ms_per_op"] <= 1.6, fast


def the_convoy_on_one_core(run: Run) -> None:
    """Items 7 and 14: pinned to one core, the sleeper still pays one interval, not a tick
    more: woken from its sleep it is owed CPU time and preempts the CPU-bound thread at once
    (3.11 measured here: 5.46-5.53 ms a sleep, 1.35 ms at a 1 ms interval)."""
    figures = run("convoy", "40", "0.005", cores=1)
    assert 5.2 <= figures["with_cpu_ms_per_op"] <= 5.8, figures
    fast = run("convoy", "40", "0.001", cores=1)
    assert 1.2 <= fast["with_cpu_ms_per_op"] <= 1.6, fast


def handoffs_go_through_the_gil(run: Run) -> None:
    """Item 9: ``Thread.start()`` while another thread spins costs one or two intervals
    (§4: 7.9-10.3 ms; here 5.2-10.6 ms) against 0.05-0.12 ms idle; a waiter woken by
    ``Lock.release()`` from a thread that keeps computing waits about an interval (5.22 ms)."""
    figures = run("handoff_latency")
    assert figures["start_idle_ms"] < 0.25, figures
    assert 5.0 <= figures["start_busy_ms"] <= 11.0, figures
    assert figures["lock_idle_ms"] < 0.1, figures
    assert 4.9 <= figures["lock_busy_ms"] <= 5.8, figures


def several_waiters_in_no_fair_order(run: Run) -> None:
    """Item 11: four spinners switch about as often in total as two (§8: 185-190/s against
    198-200/s; here 157-197/s against 185-225/s, the host's pauses counting more among two
    threads); waits are not the (N-1) = 3 slices of a round robin but spread out, with a
    long tail (p90 25-42 ms), and each thread gets 20-30% of the time."""
    four = run("four_spinners")
    two = run("two_spinners", "0.3", "0.005")
    assert 0.7 <= four["handoffs_per_s"] / two["handoffs_per_s"] <= 1.2, (four, two)
    assert four["p90_wait_ms"] >= 20, four
    assert 5 <= four["median_wait_ms"] <= 18, four
    assert four["p90_wait_ms"] > 1.5 * four["median_wait_ms"], four
    assert all(15 <= share <= 36 for share in four["share_pct"]), four


def a_long_native_call_shuts_out_its_peer(run: Run) -> None:
    """Item 12: a spinning peer waits for the whole of ``sum(range(n))`` (§7: 0.423 s call,
    0.415 s gap; here 96.4 ms and 91.2 ms), however short the switch interval."""
    figures = run("long_c_call")
    assert figures["call_ms"] > 40, figures
    assert figures["peer_longest_gap_ms"] >= figures["call_ms"] - 7, figures


def one_core_rounds_slices_up_to_the_tick(run: Run) -> None:
    """Item 14: on one core the waiter acts only when the OS runs it: hand-offs fall on
    4 ms ticks, a median gap of 8.03 ms (some CPython runs stay at 12.03 ms)."""
    figures = run("two_spinners", "0.2", "0.005", cores=1)
    assert 7.9 <= figures["median_gap_ms"] <= 12.2, figures
    assert figures["median_gap_ms"] > 7.5


def median(values: list[float]) -> float:
    return statistics.median(values)
