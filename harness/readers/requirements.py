"""Reading `requirements*.txt`: which packages, and whether their versions are pinned."""

from __future__ import annotations

from packaging.requirements import InvalidRequirement, Requirement

from harness.models import Frozen


class RequirementsSummary(Frozen):
    """Packages a requirements file asks for, split by whether they are pinned."""

    pinned: tuple[str, ...]
    unpinned: tuple[str, ...]
    invalid: tuple[str, ...]
    """Lines that are not requirements pip would accept."""


def read_requirements(text: str) -> RequirementsSummary:
    """A requirement is pinned when it fixes one exact version (`==1.2.3`, not `==1.*`)."""
    pinned: list[str] = []
    unpinned: list[str] = []
    invalid: list[str] = []
    for line in _requirement_lines(text):
        try:
            requirement = Requirement(line)
        except InvalidRequirement:
            invalid.append(line)
            continue
        exact = any(
            spec.operator in ("==", "===") and not spec.version.endswith(".*")
            for spec in requirement.specifier
        )
        (pinned if exact or requirement.url else unpinned).append(requirement.name)
    return RequirementsSummary(
        pinned=tuple(pinned), unpinned=tuple(unpinned), invalid=tuple(invalid)
    )


def _requirement_lines(text: str) -> list[str]:
    """Requirement lines without comments, options (`-r`, `--index-url`) or blanks."""
    lines = []
    for raw in text.splitlines():
        line = raw.split(" #", 1)[0].strip()
        if line and not line.startswith(("#", "-")):
            lines.append(line)
    return lines
