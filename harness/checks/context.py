"""What every check reads: the inventory, the run, the challenge's private side. Read only.

The context is built once per submission by the pipeline after the sandbox has run. Checks
never run submission code and never write: the unpacked submission is read as text, the
predictions as untrusted data. Values several checks need (the predictions, the trap's
measures, the write-up's text) are computed once, on first use.
"""

from __future__ import annotations

import functools
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from harness.api_grading.run import ModelApiRun
from harness.challenges.model import Challenge, EvidenceName, Trap
from harness.contract import Contract
from harness.holdout import HoldoutKey, baseline_predictions, read_predictions, score_slice
from harness.inventory import Inventory
from harness.lint import LintSummary
from harness.metrics import metric
from harness.models import Backend, StageName, StageResult
from harness.readers.predictions import (
    PredictionsFile,
    UnreadablePredictionsError,
    read_predictions_file,
)
from harness.sandbox.serve import ProbeReport
from harness.sandbox.stages import TestCounts
from harness.trap_evidence import Submitted, TrapMeasure, measure

MAX_TEXT_BYTES = 2 * 1024 * 1024


@dataclass(frozen=True)
class CheckContext:
    """One submission, after its run, as the checks see it."""

    root: Path
    """The unpacked submission (read only)."""
    inventory: Inventory
    contract: Contract
    challenge: Challenge
    trap: Trap | None
    """The challenge's private side; None where it is absent (a check then says skipped)."""
    holdout: HoldoutKey | None
    stages: Mapping[StageName, StageResult]
    predictions_file: Path | None
    """The predictions `predict` wrote on the holdout features, copied out of the sandbox."""
    tests: TestCounts | None = None
    probe: ProbeReport | None = None
    lint: LintSummary = field(default_factory=LintSummary)
    backend: Backend = "docker"
    references: Mapping[str, float | None] = field(default_factory=dict)
    """The challenge's naive and careful references' headline holdout scores, if recorded."""
    model_api: ModelApiRun | None = None
    """What the challenge's model API saw (None: the challenge gives none)."""

    @property
    def holdout_metric(self) -> str:
        """The challenge's headline metric, as named in `challenge.toml`."""
        return self.challenge.metrics[0]

    @functools.cached_property
    def holdout_score(self) -> float | None:
        """That metric on the honest holdout rows (the trap's primary slice; every labelled
        row without a trap), None when there are no usable predictions."""
        if self.holdout is None or self.predictions is None:
            return None
        primary = self.trap.primary_slice if self.trap else None
        return score_slice(
            self.holdout, self.predictions, metric(self.holdout_metric), primary
        ).value

    @functools.cached_property
    def baseline_score(self) -> float | None:
        """A trivial model's headline score on the same rows (the training prior or median)."""
        if self.holdout is None:
            return None
        primary = self.trap.primary_slice if self.trap else None
        baseline = baseline_predictions(self.challenge, self.holdout)
        return score_slice(self.holdout, baseline, metric(self.holdout_metric), primary).value

    def stage(self, name: StageName) -> StageResult:
        """A stage's result; `not_run` when the run did not get that far."""
        return self.stages.get(name) or StageResult(verdict="not_run", reason="not run")

    @functools.cached_property
    def predictions_read(self) -> PredictionsFile | None:
        """The predictions file through the one reader (None: no readable file)."""
        if self.predictions_file is None or not self.predictions_file.is_file():
            return None
        try:
            return read_predictions_file(self.predictions_file, self.challenge.id_column)
        except UnreadablePredictionsError:
            return None

    @property
    def raw_predictions(self) -> pd.DataFrame | None:
        """The predictions CSV as text columns, exactly as written (None: no readable file)."""
        return None if self.predictions_read is None else self.predictions_read.text

    @functools.cached_property
    def predictions(self) -> pd.DataFrame | None:
        """The predictions indexed by id, values as numbers (what the metrics read)."""
        if self.raw_predictions is None or self.challenge.id_column not in self.raw_predictions:
            return None
        assert self.predictions_file is not None
        return read_predictions(self.predictions_file, self.challenge)

    def trap_measure(self, kind: EvidenceName) -> TrapMeasure | None:
        """The trap's evidence of one kind, measured on this submission (None: no trap)."""
        return self._measures.get(kind) if self.trap is not None else None

    @functools.cached_property
    def _measures(self) -> dict[EvidenceName, TrapMeasure]:
        if self.trap is None or self.holdout is None:
            return {}
        submitted = Submitted(self.predictions, self.contract.estimate, self.root)
        kinds: tuple[EvidenceName, ...] = ("slices", "probes", "estimate", "code")
        return {
            kind: measure(kind, self.challenge, self.trap, self.holdout, submitted)
            for kind in kinds
            if kind in self.trap.evidence or kind == "code"
        }

    def text(self, relative: str) -> str | None:
        """A submission file's text (None: absent, too large or not UTF-8)."""
        path = self.root / relative
        try:
            if path.is_symlink() or path.stat().st_size > MAX_TEXT_BYTES:
                return None
            return path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError):
            return None

    @functools.cached_property
    def writeup_text(self) -> str:
        """The write-up's text as the inventory read it (embedded images dropped, cut at the
        size limit), or empty when there is none."""
        return self.inventory.writeup.text if self.inventory.writeup else ""
