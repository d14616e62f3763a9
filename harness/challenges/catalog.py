"""Where challenges are found: the hiring team's folders first, the bundled examples last.

The search path is every `--challenges DIR` given, then each folder in `GRADE_CHALLENGES`
(separated like `PATH`), then the examples bundled with the harness. A folder on the path
holds one folder per challenge. When two folders hold the same id, the first one wins (so a
hiring team's private `customer-churn` shadows the public example); `grade challenge list`
shows what was shadowed.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from harness.challenges.model import CHALLENGE_FILE, Challenge, load_challenge
from harness.errors import HarnessError

ENV_VAR = "GRADE_CHALLENGES"
BUNDLED = Path(__file__).resolve().parents[2] / "challenges"


@dataclass(frozen=True)
class Catalog:
    """The challenges on the search path, by id, and the copies the first ones shadow."""

    roots: tuple[Path, ...]
    challenges: dict[str, Challenge]
    shadowed: dict[str, tuple[Path, ...]] = field(default_factory=dict)

    def get(self, challenge_id: str) -> Challenge:
        """The challenge with this id, or a one-line error listing the ones there are."""
        if challenge_id in self.challenges:
            return self.challenges[challenge_id]
        known = ", ".join(sorted(self.challenges)) or "none"
        raise HarnessError(
            f"no challenge {challenge_id!r} on the search path (known: {known})",
            hint=f"pass --challenges DIR or set {ENV_VAR} to the folder that holds it",
        )


def search_path(extra: Sequence[Path] = ()) -> tuple[Path, ...]:
    """`--challenges` folders, then `GRADE_CHALLENGES`, then the bundled examples."""
    from_env = [Path(p) for p in os.environ.get(ENV_VAR, "").split(os.pathsep) if p.strip()]
    roots = [*extra, *from_env, BUNDLED]
    for root in roots[:-1]:
        if not root.is_dir():
            raise HarnessError(
                f"{root}: no such challenges folder",
                hint=f"check --challenges and {ENV_VAR}",
            )
    return tuple(dict.fromkeys(root.resolve() for root in roots if root.is_dir()))


def load_catalog(extra: Sequence[Path] = ()) -> Catalog:
    """Every challenge on the search path; a broken `challenge.toml` is an error that names it."""
    roots = search_path(extra)
    found: dict[str, Challenge] = {}
    shadowed: dict[str, list[Path]] = {}
    for folder in _challenge_folders(roots):
        challenge = load_challenge(folder)
        if challenge.id in found:
            shadowed.setdefault(challenge.id, []).append(folder)
        else:
            found[challenge.id] = challenge
    return Catalog(roots, found, {k: tuple(v) for k, v in shadowed.items()})


def _challenge_folders(roots: Iterable[Path]) -> list[Path]:
    return [
        folder
        for root in roots
        for folder in sorted(root.iterdir())
        if (folder / CHALLENGE_FILE).is_file()
    ]
