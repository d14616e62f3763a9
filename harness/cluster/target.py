"""Which Dask scheduler a batch runs on, and the TLS files that secure it (plain values:
checked here before anything connects, so a typo is one line, not a timeout).

Tasks carry candidate code and the challenge's private side, so a `tls://` address needs the
certificate authority, this client's certificate and its key; a certificate given with a plain
`tcp://` address would be ignored silently, and is refused instead.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from harness.errors import HarnessError

ENV_VAR = "GRADE_CLUSTER"
SCHEMES = ("tcp://", "tls://")
HINT = f"give --cluster (or {ENV_VAR}) as tcp://HOST:8786 or tls://HOST:8786"


@dataclass(frozen=True)
class ClusterTarget:
    """The scheduler's address and, for `tls://`, the files of Dask's TLS settings."""

    address: str
    tls_ca_file: Path | None = None
    tls_cert: Path | None = None
    tls_key: Path | None = None

    @property
    def tls(self) -> bool:
        return self.address.startswith("tls://")

    @property
    def tls_files(self) -> dict[str, Path | None]:
        """The TLS files by the option that gives each."""
        return {"--tls-ca-file": self.tls_ca_file, "--tls-cert": self.tls_cert,
                "--tls-key": self.tls_key}  # fmt: skip


def check_target(target: ClusterTarget) -> None:
    """Raise a one-line `HarnessError` for an address or TLS files that cannot work."""
    if not target.address.startswith(SCHEMES) or len(target.address.split("://", 1)[1]) == 0:
        raise HarnessError(f"--cluster {target.address!r}: not a scheduler address", hint=HINT)
    given = {option: path for option, path in target.tls_files.items() if path is not None}
    if given and not target.tls:
        raise HarnessError(
            f"{', '.join(given)} given with {target.address}, which is not encrypted",
            hint="use the scheduler's tls:// address with its certificates",
        )
    if target.tls:
        missing = [option for option, path in target.tls_files.items() if path is None]
        if missing:
            raise HarnessError(
                f"{target.address} needs {', '.join(missing)}",
                hint="give the CA certificate, this client's certificate and its key (PEM)",
            )
    for option, path in given.items():
        if not path.is_file():
            raise HarnessError(f"{option} {path}: no such file", hint="give a PEM file")
