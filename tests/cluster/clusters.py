"""Real Dask clusters for the tests: `distributed` is typed only in part, so its untyped
constructors are called here, once."""

from __future__ import annotations

from typing import Any, cast

from distributed import Client, LocalCluster


def local_cluster(**options: Any) -> LocalCluster:
    """A `LocalCluster` without a dashboard (tests run beside others on this machine)."""
    factory: Any = LocalCluster
    return cast(LocalCluster, factory(dashboard_address=None, **options))


def two_docker_workers() -> LocalCluster:
    """Two worker processes offering one `docker` slot each, as `dask worker --nthreads 1
    --resources docker=1` twice would."""
    return local_cluster(n_workers=2, threads_per_worker=1, processes=True, resources={"docker": 1})


def client_of(cluster: LocalCluster) -> Client:
    factory: Any = Client
    return cast(Client, factory(cluster, set_as_default=False))
