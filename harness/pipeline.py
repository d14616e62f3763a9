"""The grading pipeline: intake -> inventory -> sandbox run -> checks -> scoring -> report.

Each stage is a plain function from the previous stage's frozen output to its own. Only the
first two stages exist so far; `inspect_submission` runs them.
"""

from __future__ import annotations

import tempfile
from pathlib import Path

from harness.contract import Contract
from harness.intake import IntakeLimits, intake
from harness.inventory import Inventory, take_inventory
from harness.models import Frozen, SubmissionInfo


class Inspection(Frozen):
    """What intake and inventory found, before any code runs."""

    submission: SubmissionInfo
    contract: Contract
    inventory: Inventory
    dropped: tuple[str, ...]
    """Zip entries dropped as junk (macOS metadata, bytecode caches)."""
    collapsed: str | None
    """The single top-level folder collapsed, if any."""


def inspect_submission(zip_path: Path, limits: IntakeLimits | None = None) -> Inspection:
    """Unpack a zip into a temporary folder, take its inventory, and clean up."""
    with tempfile.TemporaryDirectory(prefix="grade-inspect-") as tmp:
        submission = intake(zip_path, Path(tmp) / "submission", limits)
        return Inspection(
            submission=submission.info,
            contract=submission.contract,
            inventory=take_inventory(submission.unpacked.root),
            dropped=submission.unpacked.dropped,
            collapsed=submission.unpacked.collapsed,
        )
