"""The kinds of GIL (``--gil``, ``gilsim.gil.KINDS``): each says what it is as
``gilsim.gil.kind.GilKind`` asks, with the values the docs give it, and is made and watched
the same way."""

from __future__ import annotations

from types import SimpleNamespace

import pytest

from gilsim.config import Config
from gilsim.engine import Engine
from gilsim.errors import ConfigurationError
from gilsim.gil import KINDS, WITHOUT_GIL, FreeThreaded, GilKind, like, make_gil
from gilsim.gil.watch import Watcher
from gilsim.interpreter import costs
from gilsim.machine import Machine, MachineSpec
from gilsim.versions import FREE_THREADED_TAX_PERMILLE

# What each kind is (docs/command-line.md, docs/what-the-gil-protects.md, ``docs/model/gil.md``
# §5): the GIL of 3.2-3.13 and Python 2's let one thread run bytecode at a time and change
# hands at check points; ``none`` and ``free-threaded`` run threads at once, with nothing to
# hand over; only free threading costs every instruction more (PEP 703's 6%) and keeps biased
# counts, where ``none`` keeps the plain ``ob_refcnt++`` that loses updates.
EXPECTED = {
    "new": dict(
        threads_in_parallel=False, has_switch_points=True, tax_permille=0, refcounting="plain"
    ),
    "old": dict(
        threads_in_parallel=False, has_switch_points=True, tax_permille=0, refcounting="plain"
    ),
    "none": dict(
        threads_in_parallel=True, has_switch_points=False, tax_permille=0, refcounting="plain"
    ),
    "free-threaded": dict(
        threads_in_parallel=True,
        has_switch_points=False,
        tax_permille=FREE_THREADED_TAX_PERMILLE,
        refcounting="biased",
    ),
}
FACTS = sorted(next(iter(EXPECTED.values())))
NAMES = sorted(KINDS)


def new_gil(name: str, interval_ns: int = 2_000_000, wake_policy: str = "fifo") -> GilKind:
    machine = Machine(Engine(0), MachineSpec(cores=2))
    interp = SimpleNamespace(eval_breaker=False, instructions=0)
    return make_gil(name, machine, interp, interval_ns, wake_policy)


def test_every_kind_is_described_here():
    assert set(KINDS) == set(EXPECTED)


@pytest.mark.parametrize("name", NAMES)
def test_a_kind_is_named_as_the_command_line_names_it(name):
    assert KINDS[name].kind == name


@pytest.mark.parametrize("name", NAMES)
@pytest.mark.parametrize("fact", FACTS)
def test_a_kind_says_what_it_is_on_its_class(name, fact):
    """Read off the class, as ``Config`` and the cost tables do before any GIL exists."""
    assert getattr(KINDS[name], fact) == EXPECTED[name][fact]


def test_the_kinds_without_a_gil_are_those_that_run_threads_at_once():
    assert sorted(WITHOUT_GIL) == ["free-threaded", "none"]


def test_free_threading_costs_six_percent_more():
    """PEP 703's single-thread cost, in thousandths (``gilsim.versions``)."""
    assert FreeThreaded.tax_permille == FREE_THREADED_TAX_PERMILLE == 60


@pytest.mark.parametrize("name", NAMES)
def test_the_cost_table_of_3_11_is_the_one_of_the_kinds_tax(name):
    table = costs.table_for(name)
    assert table.get("tax_permille", 0) == KINDS[name].tax_permille
    assert table is (costs.COSTS_311 if name != "free-threaded" else costs.FREE_THREADED_COSTS)


@pytest.mark.parametrize("name", NAMES)
def test_a_new_gil_is_free_and_has_counted_nothing(name):
    gil = new_gil(name)
    assert type(gil) is KINDS[name]
    assert (gil.interval_us, gil.wake_policy) == (2_000, "fifo")
    assert gil.holder is None and gil.watcher is None
    assert (gil.switch_number, gil.forced, gil.voluntary, gil.drop_requests) == (0, 0, 0, 0)


@pytest.mark.parametrize("name", NAMES)
def test_a_childs_gil_is_of_the_parents_kind_and_settings(name):
    gil = new_gil(name, interval_ns=3_000_000, wake_policy="lifo")
    gil.set_switch_interval(700)
    child_interp = SimpleNamespace(eval_breaker=False, instructions=0)
    child = like(gil, gil.machine, child_interp)
    assert type(child) is type(gil) and child is not gil
    assert (child.interval_us, child.wake_policy) == (700, "lifo")
    assert child.breaker is child_interp


@pytest.mark.parametrize("name", NAMES)
def test_only_a_kind_with_switch_points_takes_a_watcher(name):
    gil = new_gil(name)
    watcher = Watcher()
    if KINDS[name].has_switch_points:
        gil.watch(watcher)
        assert gil.watcher is watcher
        assert gil.breaker.eval_breaker  # every check point reaches the watcher
    else:
        with pytest.raises(ConfigurationError, match=f"--gil {name} has no GIL"):
            gil.watch(watcher)
        assert gil.watcher is None and not gil.breaker.eval_breaker


@pytest.mark.parametrize("name", NAMES)
def test_race_recording_asks_for_switch_points(name):
    if KINDS[name].has_switch_points:
        assert Config(gil=name, races=True).races
    else:
        with pytest.raises(ConfigurationError, match="watches where the GIL can change hands"):
            Config(gil=name, races=True)
