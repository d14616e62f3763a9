"""Build real zips inside tests, including hostile ones, by writing and then patching bytes."""

from __future__ import annotations

import stat
import struct
import zipfile
from collections.abc import Mapping
from pathlib import Path

CONTRACT = """\
[submission]
challenge = "customer-churn"

[commands]
train = "python train.py --data {data} --out {artifacts}"
predict = "python predict.py --model {artifacts} --input {input} --output {output}"

[estimate]
metric = "roc_auc"
value = 0.75
method = "5-fold GroupKFold by customer_id"
"""

MINIMAL: Mapping[str, str | bytes] = {
    "assessment.toml": CONTRACT,
    "README.md": "# Churn\n\n## Approach\nA logistic regression.\n",
    "train.py": "import pandas\n",
    "predict.py": "import pandas\n",
}


def write_zip(
    path: Path,
    entries: Mapping[str, str | bytes],
    compression: int = zipfile.ZIP_DEFLATED,
) -> Path:
    """A zip holding `entries` (name -> content) as regular files."""
    with zipfile.ZipFile(path, "w", compression=compression) as archive:
        for name, content in entries.items():
            archive.writestr(name, content)
    return path


def add_special(path: Path, name: str, kind: int, content: str = "/etc/passwd") -> None:
    """Append an entry whose Unix mode says symlink, device or pipe (`kind` is S_IF*)."""
    info = zipfile.ZipInfo(name)
    info.create_system = 3
    info.external_attr = (kind | 0o777) << 16
    with zipfile.ZipFile(path, "a") as archive:
        archive.writestr(info, content)


def add_symlink(path: Path, name: str, target: str) -> None:
    add_special(path, name, stat.S_IFLNK, target)


def _central_header(data: bytes, name: str) -> int:
    """Offset of the central-directory header of entry `name`."""
    at = data.find(b"PK\x01\x02")
    while at >= 0:
        length = struct.unpack_from("<H", data, at + 28)[0]
        if data[at + 46 : at + 46 + length] == name.encode():
            return at
        at = data.find(b"PK\x01\x02", at + 4)
    raise KeyError(name)


def patch_central(path: Path, name: str, **fields: int) -> None:
    """Rewrite fields of an entry's central-directory header: flags, compress_size,
    file_size, header_offset, external_attr."""
    layout = {
        "flags": (8, "<H"),
        "compress_size": (20, "<I"),
        "file_size": (24, "<I"),
        "external_attr": (38, "<I"),
        "header_offset": (42, "<I"),
    }
    data = bytearray(path.read_bytes())
    at = _central_header(bytes(data), name)
    for field, value in fields.items():
        offset, fmt = layout[field]
        struct.pack_into(fmt, data, at + offset, value)
    path.write_bytes(bytes(data))


def header_offset(path: Path, name: str) -> int:
    with zipfile.ZipFile(path) as archive:
        return archive.getinfo(name).header_offset


def tree(root: Path) -> set[str]:
    """Every path under `root`, relative, for asserting what a call left behind."""
    return {p.relative_to(root).as_posix() for p in root.rglob("*")}
