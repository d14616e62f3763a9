"""`grade challenge validate`: prove a challenge works before a candidate ever sees it.

1. The committed data regenerate byte for byte from the generator's default seed.
2. The candidate bundle holds nothing private: no private file, none of its bytes, no
   holdout id.
3. The rubric reads: five dimensions, criteria with positive weights and level words.
4. Both references run through the sandbox (every stage on the committed data; train and
   predict on freshly generated data for the other seeds), and on every seed the trap's
   evidence puts the naive reference on the leaning side of each threshold and the careful
   one on the other, with margins several times the seed-to-seed noise; and, where the trap
   is read off the model's predictions (slices, probes, estimate), both beat the trivial
   baseline by more than the trap's `[signal] margin` on every seed, with the same room
   (below it, a model's behaviour is not evidence of the trap). A trap read from the model
   API's log and the code needs no signal.
"""

from __future__ import annotations

import statistics
import tempfile
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from harness.challenges.bundle import bundle_files, find_leaks
from harness.challenges.cases import (
    CaseOutcome,
    case_problems,
    challenge_grader,
    find_cases,
    grade_cases,
)
from harness.challenges.catalog import Catalog
from harness.challenges.generation import compare, generate
from harness.challenges.model import REFERENCES, Challenge, EvidenceName, Trap, load_trap
from harness.challenges.reference_scores import (
    SCORES_FILE,
    read_reference_scores,
    stale,
    write_reference_scores,
)
from harness.checks import known_check_ids
from harness.contract import load_contract
from harness.errors import HarnessError
from harness.holdout import HOLDOUT, load_holdout, read_predictions, score_slice
from harness.metrics import metric
from harness.packing import zip_folder
from harness.pipeline import RunOptions, SandboxReport, sandbox_submission_with_api
from harness.rubric import load_rubric
from harness.trap_evidence import (
    FROM_PREDICTIONS,
    Signal,
    Submitted,
    TrapMeasure,
    measure,
    measure_signal,
)

NOISE_FACTOR = 3.0
"""How many times the seed-to-seed noise each margin must be."""
Progress = Callable[[str], None]


@dataclass(frozen=True)
class ReferenceRun:
    """One reference on one seed's data."""

    reference: str
    seed: int
    report: SandboxReport
    measures: dict[EvidenceName, TrapMeasure]
    holdout: float | None
    signal: Signal | None = None


@dataclass(frozen=True)
class Separation:
    """One kind of evidence across seeds: the references' values and how far apart."""

    kind: EvidenceName
    threshold: float
    naive: tuple[float | None, ...]
    careful: tuple[float | None, ...]

    @property
    def margins(self) -> tuple[float, float] | None:
        """(naive above the threshold, careful below it), at the worst seed."""
        if None in self.naive or None in self.careful:
            return None
        naive = [v for v in self.naive if v is not None]
        careful = [v for v in self.careful if v is not None]
        return min(naive) - self.threshold, self.threshold - max(careful)

    @property
    def noise(self) -> float:
        """The larger of the two references' seed-to-seed standard deviations."""
        spreads = [statistics.pstdev([v for v in vs if v is not None] or [0.0])
                   for vs in (self.naive, self.careful)]  # fmt: skip
        return max(spreads)

    @property
    def ok(self) -> bool:
        margins = self.margins
        return (
            margins is not None and min(margins) > 0 and (min(margins) >= NOISE_FACTOR * self.noise)
        )


@dataclass(frozen=True)
class SignalRoom:
    """How far above the trap's signal margin the references' lifts stay, across seeds."""

    margin: float
    naive: tuple[float | None, ...]
    careful: tuple[float | None, ...]

    @property
    def room(self) -> float | None:
        """The worst seed's lift (of either reference) minus the margin."""
        lifts = (*self.naive, *self.careful)
        return None if None in lifts else min(v for v in lifts if v is not None) - self.margin

    @property
    def noise(self) -> float:
        return Separation("code", self.margin, self.naive, self.careful).noise

    @property
    def ok(self) -> bool:
        room = self.room
        return room is not None and room > 0 and room >= NOISE_FACTOR * self.noise


@dataclass
class Validation:
    """Everything `validate` found about one challenge."""

    challenge: Challenge
    seeds: tuple[int, ...] = ()
    problems: list[str] = field(default_factory=list)
    runs: list[ReferenceRun] = field(default_factory=list)
    separations: list[Separation] = field(default_factory=list)
    signal: SignalRoom | None = None
    cases: list[CaseOutcome] = field(default_factory=list)
    """The private calibration cases, graded (`cases.py`); a miss is also a problem."""

    @property
    def ok(self) -> bool:
        signal_ok = self.signal is None or self.signal.ok
        return not self.problems and all(s.ok for s in self.separations) and signal_ok


def validate(
    challenge: Challenge, seeds: int, progress: Progress, record: bool = False
) -> Validation:
    """Run every step; problems are collected, so one run shows all of them. With `record`,
    the references' scores on the committed data are written to `reference/scores.toml`."""
    result = Validation(challenge)
    trap = load_trap(challenge)
    result.seeds = (trap.seed, *[trap.seed + n for n in range(1, seeds)])
    with tempfile.TemporaryDirectory(prefix="grade-validate-") as tmp:
        progress(f"{challenge.id}: regenerating with seed {trap.seed}")
        result.problems += _regeneration_problems(challenge, Path(tmp) / "fresh")
        result.problems += _bundle_problems(challenge)
        result.problems += _rubric_problems(challenge)
        for seed in result.seeds:
            folder = challenge.folder if seed == trap.seed else Path(tmp) / f"seed-{seed}"
            if seed != trap.seed:
                progress(f"{challenge.id}: generating seed {seed}")
                generate(challenge, folder, seed)
            for reference in REFERENCES:
                run = _run_reference(challenge, trap, reference, folder, seed, Path(tmp), progress)
                result.runs.append(run)
                result.problems += _stage_problems(run, full=seed == trap.seed)
    result.separations = [_separation(kind, trap, result.runs) for kind in trap.evidence]
    if any(kind in FROM_PREDICTIONS for kind in trap.evidence):  # else no kind needs signal
        result.signal = _signal_room(trap, result.runs)
    result.problems += _scores_problems(challenge, result.runs, trap.seed, record)
    result.cases = grade_cases(find_cases(challenge), challenge_grader(challenge, progress))
    result.problems += case_problems(result.cases)
    return result


def _scores_problems(
    challenge: Challenge, runs: Sequence[ReferenceRun], seed: int, record: bool
) -> list[str]:
    measured = {run.reference: run.holdout for run in runs if run.seed == seed}
    if record:
        write_reference_scores(challenge, measured)
        return []
    names = stale(read_reference_scores(challenge), measured)
    if not names:
        return []
    return [f"{SCORES_FILE}: the {' and '.join(names)} reference scores are not recorded or "
            f"stale; run `grade challenge validate {challenge.id} --record`"]  # fmt: skip


def _regeneration_problems(challenge: Challenge, fresh: Path) -> list[str]:
    drift = compare(challenge, generate(challenge, fresh))
    return [
        *(f"{name}: differs from what generate.py writes" for name in drift.changed),
        *(f"{name}: generate.py writes it but it is not committed" for name in drift.missing),
        *(f"{name}: committed but generate.py does not write it" for name in drift.extra),
    ]


def _bundle_problems(challenge: Challenge) -> list[str]:
    leaks = find_leaks(challenge, bundle_files(challenge))
    public = {p.relative_to(challenge.public).as_posix(): p.read_bytes()
              for p in challenge.public.rglob("*") if p.is_file()}  # fmt: skip
    leaks += find_leaks(challenge, {f"public/{k}": v for k, v in public.items()})
    return [f"the candidate bundle leaks: {leak.file} holds {leak.what}" for leak in leaks]


def _rubric_problems(challenge: Challenge) -> list[str]:
    try:
        rubric = load_rubric(challenge.rubric_path, known_check_ids())
    except HarnessError as err:
        return [err.one_line()]
    if rubric.challenge != challenge.id:
        return [f"{challenge.rubric_path}: challenge: says {rubric.challenge!r}"]
    return []


def _run_reference(challenge: Challenge, trap: Trap, reference: str, data_root: Path, seed: int,
                   tmp: Path, progress: Progress) -> ReferenceRun:  # fmt: skip
    folder = challenge.reference(reference)
    if not folder.is_dir():
        raise HarnessError(f"{folder}: no such reference submission")
    progress(f"{challenge.id}: seed {seed}: {reference} reference in the sandbox")
    predictions = tmp / f"{reference}-{seed}.csv"
    options = RunOptions(
        catalog=Catalog((challenge.folder.parent,), {challenge.id: challenge}),
        data=data_root / "public" / "data",
        features=data_root / HOLDOUT / "features.csv",
        keep_predictions=predictions,
        skip=frozenset() if data_root == challenge.folder else frozenset({"test", "serve"}),
        model_api_folder=data_root,  # a seed's own canaries and fault salt
    )
    zipped = zip_folder(folder, tmp / f"{reference}.zip")

    def stage(message: str) -> None:  # a reference's stages can take minutes: say which runs
        progress(f"{challenge.id}: seed {seed}: {reference}: {message}")

    report, api = sandbox_submission_with_api(zipped, options, stage)
    key = load_holdout(challenge, data_root)
    frame = read_predictions(predictions, challenge) if predictions.is_file() else None
    submitted = Submitted(frame, load_contract(folder).estimate, folder, api)
    measures = {kind: measure(kind, challenge, trap, key, submitted) for kind in trap.evidence}
    headline = metric(challenge.metrics[0])
    score = None if frame is None else score_slice(key, frame, headline, trap.primary_slice).value
    seeded = challenge.model_copy(update={"folder": data_root})
    learned = measure_signal(seeded, trap, key, frame)
    return ReferenceRun(reference, seed, report, measures, score, learned)


def _stage_problems(run: ReferenceRun, full: bool) -> list[str]:
    """Train and predict must succeed; on the committed data, nothing may fail (a stage the
    reference does not declare is `not_run`)."""
    problems = []
    for name, stage in run.report.stages.items():
        must_pass = name in ("train", "predict")
        failed = stage.verdict not in ("ok", "not_run")
        if (must_pass and stage.verdict != "ok") or (full and failed):
            problems.append(f"{run.reference} reference, seed {run.seed}: {name} ended "
                            f"{stage.verdict}")  # fmt: skip
    return problems


def _signal_room(trap: Trap, runs: Sequence[ReferenceRun]) -> SignalRoom:
    def lifts(reference: str) -> tuple[float | None, ...]:
        return tuple(r.signal.lift if r.signal else None for r in runs if r.reference == reference)

    return SignalRoom(trap.signal.margin, lifts("naive"), lifts("careful"))


def _separation(kind: EvidenceName, trap: Trap, runs: Sequence[ReferenceRun]) -> Separation:
    def values(reference: str) -> tuple[float | None, ...]:
        return tuple(r.measures[kind].value for r in runs if r.reference == reference)

    threshold = next(r.measures[kind].threshold for r in runs)
    return Separation(kind, threshold, values("naive"), values("careful"))
