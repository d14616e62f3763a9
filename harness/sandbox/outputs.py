"""What leaves a container: tar bytes from the archive API, unpacked like a submission zip.

The output of a stage is untrusted data. It goes through intake's name checks, its staging
folder and its size limits; only regular files and folders are accepted (a symlink planted in
`{artifacts}` pointing at a host path is refused, never followed). Nothing is unpickled or run.
"""

from __future__ import annotations

import io
import tarfile
from dataclasses import dataclass
from pathlib import Path

from harness.errors import IntakeError
from harness.intake import IntakeLimits, MiB, safe_parts, staged

OUTPUT_LIMITS = IntakeLimits(max_files=1_000, max_total_bytes=200 * MiB, max_file_bytes=200 * MiB)


@dataclass(frozen=True)
class Unpacked:
    root: Path
    files: tuple[str, ...]


def unpack_tar(data: bytes, dest: Path, limits: IntakeLimits = OUTPUT_LIMITS) -> Unpacked:
    """Unpack a tar stream from `get_archive` into `dest`, dropping its top folder."""
    try:
        archive = tarfile.open(fileobj=io.BytesIO(data), mode="r:")  # noqa: SIM115 (with below)
    except tarfile.TarError as err:
        raise IntakeError(f"the stage's output is not a readable archive ({err})") from err
    with archive, staged(dest) as staging:
        members = _plan(archive, limits)
        for member, parts in members:
            target = staging.joinpath(*parts)
            target.parent.mkdir(parents=True, exist_ok=True)
            source = archive.extractfile(member)
            if source is None:
                raise IntakeError(f"output {member.name!r}: cannot be read")
            with source, target.open("xb") as sink:
                sink.write(source.read(member.size))
    return Unpacked(dest, tuple(sorted("/".join(parts) for _, parts in members)))


def _plan(
    archive: tarfile.TarFile, limits: IntakeLimits
) -> list[tuple[tarfile.TarInfo, tuple[str, ...]]]:
    planned: list[tuple[tarfile.TarInfo, tuple[str, ...]]] = []
    total = 0
    for member in archive.getmembers():
        parts = safe_parts(member.name, limits)[1:]  # get_archive puts all under the folder
        if member.isdir():
            continue
        if not member.isfile():
            raise IntakeError(
                f"output {member.name!r}: is a link or special file; only regular files are "
                "accepted"
            )
        if not parts:
            continue
        total += member.size
        _check_size(member, total, len(planned) + 1, limits)
        planned.append((member, parts))
    return planned


def _check_size(member: tarfile.TarInfo, total: int, count: int, limits: IntakeLimits) -> None:
    if member.size > limits.max_file_bytes:
        raise IntakeError(
            f"output {member.name!r}: {member.size / MiB:.1f} MiB, over the "
            f"{limits.max_file_bytes / MiB:.0f} MiB limit for one file"
        )
    if total > limits.max_total_bytes:
        raise IntakeError(
            f"output {member.name!r}: the outputs add up to more than "
            f"{limits.max_total_bytes / MiB:.0f} MiB"
        )
    if count > limits.max_files:
        raise IntakeError(f"the outputs hold more than {limits.max_files} files")
