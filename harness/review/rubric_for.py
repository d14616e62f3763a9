"""The rubric a saved result was graded against, found through the challenge catalog."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from harness.challenges.catalog import load_catalog
from harness.models import Result
from harness.rubric import Rubric, load_rubric


def rubric_for_result(result: Result, challenges: Sequence[Path] = ()) -> Rubric:
    """The rubric of the result's challenge on the search path (`--challenges`, then
    `GRADE_CHALLENGES`, then the bundled examples); a missing challenge is a HarnessError."""
    challenge = load_catalog(challenges).get(result.challenge.id)
    return load_rubric(challenge.rubric_path)
