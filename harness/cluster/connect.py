"""Reaching the scheduler, and what its workers offer, in seconds or with one line saying why
not: an unreachable address, or a cluster with no worker offering the `docker` resource,
must never leave a batch waiting for a worker that will not come."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Any, cast

from distributed import Client
from distributed.security import Security

from harness.cluster.target import ClusterTarget, check_target
from harness.errors import HarnessError

RESOURCE = "docker"
"""The worker resource a grading takes one of: a worker offers as many as its engine runs
gradings at once (`dask worker ADDRESS --resources docker=2 --nthreads 2`)."""
CONNECT_TIMEOUT_S = 5
"""A scheduler answers a client in well under a second, even across a network: a refused
port or a silent host fails this fast (Dask itself retries until its timeout)."""
REACH_HINT = "is a scheduler running there? `dask scheduler` starts one (see docs/scaling.md)"
WORKER_HINT = f"start workers with `dask worker ADDRESS --nthreads 1 --resources {RESOURCE}=1`"


@dataclass(frozen=True)
class Slots:
    """How many gradings the cluster runs at once: per worker, the smaller of its `docker`
    resource and its threads (each grading holds a thread while it waits on the engine)."""

    workers: int
    slots: int


def connect(target: ClusterTarget, timeout_s: float = CONNECT_TIMEOUT_S) -> Client:
    """A client of the scheduler at `target`, or a one-line `HarnessError` within
    `timeout_s` seconds (whatever the failure: a closed port, a host that does not answer,
    a service that is not a scheduler, a refused certificate)."""
    check_target(target)
    logging.getLogger("distributed").setLevel(logging.ERROR)  # one line of ours, not its logs
    try:
        client = _untyped(Client)(target.address, timeout=f"{timeout_s}s",
                                  security=_security(target), set_as_default=False)  # fmt: skip
    except Exception as err:  # OSError, TimeoutError, TLS errors, garbage from another service
        reason = " ".join(str(err).split())[:300] or type(err).__name__
        raise HarnessError(
            f"cannot reach the Dask scheduler at {target.address} ({reason})", hint=REACH_HINT
        ) from err
    return cast(Client, client)


def _untyped(function: object) -> Any:
    """`distributed` is typed only in part: its untyped calls are made through this."""
    return function


def _security(target: ClusterTarget) -> Security | None:
    if not target.tls:
        return None
    return cast(
        Security,
        _untyped(Security)(
            tls_ca_file=str(target.tls_ca_file),
            tls_client_cert=str(target.tls_cert),
            tls_client_key=str(target.tls_key),
            require_encryption=True,
        ),
    )


def docker_slots(client: Client, address: str) -> Slots:
    """The workers offering the resource and their slots; none is a one-line error."""
    workers = client.scheduler_info(n_workers=-1).get("workers", {})
    slots = [_slots(info) for info in workers.values()]
    offering = [n for n in slots if n > 0]
    if not offering:
        raise HarnessError(
            f"no worker of the scheduler at {address} offers the "
            f"{RESOURCE!r} resource ({len(workers)} workers)",
            hint=WORKER_HINT,
        )
    return Slots(len(offering), sum(offering))


def _slots(info: dict[str, object]) -> int:
    resources = info.get("resources")
    offered = resources.get(RESOURCE, 0) if isinstance(resources, dict) else 0
    threads = info.get("nthreads", 1)
    return int(min(float(offered or 0), float(threads if isinstance(threads, int) else 1)))
