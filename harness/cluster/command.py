"""The `grade batch` options of the cluster path, as one decorator for the batch command.

The decorator adds `--cluster` (or `GRADE_CLUSTER`), `--tls-ca-file`, `--tls-cert` and
`--tls-key`, and hands the command one `cluster` argument: a `ClusterTarget`, or None for the
local process pool. It imports only click and the standard library, so `grade --help` stays
fast; `distributed` is imported only once a batch runs on a cluster.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

import click

from harness.cluster.target import ENV_VAR, ClusterTarget

R = TypeVar("R")
_FILE = click.Path(path_type=Path, dir_okay=False)
_NAMES = ("cluster_address", "tls_ca_file", "tls_cert", "tls_key")


def cluster_options(command: Callable[..., R]) -> Callable[..., R]:
    """Add the cluster options to a click command; it receives them as `cluster=`."""

    @functools.wraps(command)
    def wrapper(*args: Any, **kwargs: Any) -> R:
        values = {name: kwargs.pop(name, None) for name in _NAMES}
        return command(*args, cluster=cluster_target(**values), **kwargs)

    options = [
        click.option(
            "--cluster",
            "cluster_address",
            envvar=ENV_VAR,
            metavar="ADDRESS",
            help=(
                "Grade on a Dask cluster (tcp://HOST:8786 or tls://HOST:8786) instead of "
                f"this machine's process pool; default: {ENV_VAR}. See docs/scaling.md."
            ),
        ),
        click.option("--tls-ca-file", type=_FILE, help="With tls://: the CA certificate (PEM)."),
        click.option("--tls-cert", type=_FILE, help="With tls://: this client's certificate."),
        click.option("--tls-key", type=_FILE, help="With tls://: this client's private key."),
    ]
    decorated: Callable[..., R] = wrapper
    for option in reversed(options):
        decorated = option(decorated)
    return decorated


def cluster_target(
    cluster_address: str | None,
    tls_ca_file: Path | None = None,
    tls_cert: Path | None = None,
    tls_key: Path | None = None,
) -> ClusterTarget | None:
    """The target the options name; None without an address (TLS files alone are checked
    when the batch starts, with the address they need)."""
    address = (cluster_address or "").strip()
    if not address and not any((tls_ca_file, tls_cert, tls_key)):
        return None
    return ClusterTarget(address, tls_ca_file, tls_cert, tls_key)
