"""The one module that talks to copydetect (which has no type hints).

copydetect tokenises with pygments, replaces identifiers by `V`/`F`/`O` and strings by `S`,
drops comments and whitespace, and fingerprints the k-grams of what is left (winnowing). Its
`CodeFingerprint` does that for one text; the cohort logic (boilerplate, common fingerprints,
scores, fragments) lives in `harness.similarity.compare`, because copydetect's own detector
compares file with file while a submission is a folder of files and notebooks.

copydetect hashes k-grams with Python's `hash()`, salted per process: fingerprints are only
comparable within one process, which is how `find_similar` uses them. With
`WINDOW == 1` every k-gram is kept, so the result does not depend on the salt.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from importlib import metadata
from typing import Any

NOISE_THRESHOLD = 25
"""copydetect's `noise_t`, the k-gram length in normalised characters: a match shorter than
this is never seen."""
GUARANTEE_THRESHOLD = 25
"""copydetect's `guarantee_t`: a match this long is always seen. Equal to the noise threshold,
so the winnowing window is 1 (every k-gram kept) and the result is deterministic."""
WINDOW = GUARANTEE_THRESHOLD - NOISE_THRESHOLD + 1


@dataclass(frozen=True)
class Fingerprints:
    """One text's fingerprints: each hash with its positions in the normalised code."""

    name: str
    code: str
    positions: dict[int, tuple[int, ...]]
    offsets: tuple[tuple[int, int], ...]
    """copydetect's map from normalised positions back to the raw code."""

    @property
    def hashes(self) -> frozenset[int]:
        return frozenset(self.positions)

    def raw_offset(self, position: int) -> int:
        """The character offset in `code` of a position in the normalised code."""
        if not self.offsets:
            return min(position, len(self.code))
        low, high = 0, len(self.offsets)
        while low < high:  # numpy's searchsorted(side="left") on the first column
            middle = (low + high) // 2
            if self.offsets[middle][0] < position:
                low = middle + 1
            else:
                high = middle
        shift = self.offsets[min(low, len(self.offsets) - 1)][1]
        return min(position + shift, len(self.code))

    def without(self, dropped: frozenset[int]) -> Fingerprints:
        """These fingerprints less the hashes in `dropped`."""
        kept = {h: p for h, p in self.positions.items() if h not in dropped}
        return Fingerprints(self.name, self.code, kept, self.offsets)


def engine_name() -> str:
    """`copydetect X.Y`, as recorded in similarity.json."""
    try:
        version = metadata.version("copydetect")
    except metadata.PackageNotFoundError:
        version = "unknown"
    return f"copydetect {'.'.join(version.split('.')[:2])}"


def fingerprint(name: str, code: str) -> Fingerprints:
    """Fingerprint Python `code` (normalised by copydetect); `name` is only a label."""
    detector: Any = _copydetect()
    result = detector.CodeFingerprint(
        name, NOISE_THRESHOLD, WINDOW, language="python", fp=io.StringIO(code)
    )
    positions: dict[int, tuple[int, ...]] = {
        int(h): tuple(int(i) for i in idx) for h, idx in result.hash_idx.items()
    }
    offsets = tuple((int(row[0]), int(row[1])) for row in result.offsets)
    return Fingerprints(name, code, positions, offsets)


def _copydetect() -> Any:
    """copydetect, imported when first needed (it imports matplotlib: over a second)."""
    import copydetect  # type: ignore[import-untyped]

    return copydetect
