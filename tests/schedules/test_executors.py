"""Exploration runs its schedules on any ``concurrent.futures.Executor`` and finds the same
outcomes, with the same counts and schedules, as a serial search."""

import concurrent.futures

import pytest

import gilsim

from .programs import THROUGH_A_CALL


def summary(found):
    return [(o.stdout, o.exit_status, o.schedules, str(o.schedule)) for o in found.outcomes]


@pytest.fixture(scope="module")
def serial():
    return gilsim.explore(source=THROUGH_A_CALL, bound=2)


def test_a_process_pool_finds_what_a_serial_search_finds(serial):
    with concurrent.futures.ProcessPoolExecutor(2) as pool:
        pooled = gilsim.explore(source=THROUGH_A_CALL, bound=2, executor=pool)
    assert len(serial.outcomes) >= 2
    assert summary(pooled) == summary(serial)
    assert pooled.explored == serial.explored


def test_workers_make_a_pool_of_their_own(serial):
    found = gilsim.explore(source=THROUGH_A_CALL, bound=2, workers=2)
    assert summary(found) == summary(serial)


def test_a_dask_cluster_finds_what_a_serial_search_finds(serial):
    distributed = pytest.importorskip(
        "distributed", reason="Dask is an optional extra: pip install 'gilsim[dask]'"
    )
    with (
        distributed.LocalCluster(
            n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None
        ) as cluster,
        distributed.Client(cluster) as client,
    ):
        found = gilsim.explore(source=THROUGH_A_CALL, bound=2, executor=client.get_executor())
    assert summary(found) == summary(serial)
    assert found.explored == serial.explored
