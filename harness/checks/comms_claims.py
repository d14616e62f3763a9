"""Communication, claims: do the scores the write-up states match what was measured?

One check: numbers next to the names of the challenge's metrics in the write-up's
sentences and tables, against the `[estimate]` and the holdout score.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

from harness.checks import evidence
from harness.checks.communication import SECTIONS, TABLE_ROW, no_writeup, plain_text, sentences
from harness.checks.context import CheckContext
from harness.checks.prose import prose_lines, writeup_path
from harness.checks.registry import Judgement, check, graded
from harness.models import Evidence
from harness.readers.writeup import ATX_HEADING

# --- comms.claims ---------------------------------------------------------------------------

METRIC_NAMES = {
    "roc_auc": r"roc[\s_-]?auc|auroc|\bauc\b|area under the (roc )?curve",
    "balanced_accuracy": r"balanced[\s_-]accuracy",
    "accuracy": r"(?<!balanced )(?<!balanced_)\baccuracy\b",
    "mae": r"\bmae\b|mean absolute error|average (absolute )?error"
    r"|\b(off|wrong|out) by\b(?=[^.;]{0,30}\bon average)|\bwithin\b(?=[^.;]{0,30}\bon average)"
    r"|\berrors?\b(?=[^.;]{0,30}\bon average)",
    "rmse": r"\brmse\b|root mean squared? error",
    "r2": r"\br2\b|r²|r\^2|r-squared|r squared|coefficient of determination",
    "f1": r"\bf1(-score)?\b",
    "log_loss": r"log[\s_-]?loss|cross[\s-]entropy",
}
BOUNDED = frozenset({"roc_auc", "balanced_accuracy", "accuracy", "r2", "f1"})
"""Metrics on a 0..1 scale: a percentage is read as a fraction, gaps are absolute."""
NUMBER = re.compile(r"(?<![\w.])[-\u2212]?\$?(\d+(?:,\d{3})*(?:\.\d+)?|\.\d+)\s*(%?)")
LOWER_IS_BETTER = frozenset({"mae", "rmse", "log_loss"})
DISPLAY = {
    "roc_auc": "ROC AUC",
    "balanced_accuracy": "balanced accuracy",
    "mae": "MAE",
    "rmse": "RMSE",
    "r2": "R²",
    "f1": "F1",
    "log_loss": "log loss",
}
WINDOW = 40
BEFORE_NAME = re.compile(r"[\s(\[:=]{0,3}")
"""What may stand between a number and the name of its metric after it."""
"""Characters after a metric's name in which its number is looked for."""


@dataclass(frozen=True)
class Claim:
    """A number the write-up states for a metric, and the sentence it is in."""

    metric: str
    value: float
    sentence: str
    in_results: bool


@check("comms.claims", dimension="communication", title="Claims match what was measured")
def claims(context: CheckContext) -> Judgement:
    """Looks for the scores the write-up claims: numbers next to the name of the challenge's
    metrics or the estimate's (ROC AUC, balanced accuracy, MAE, R², ...; after the name, or
    right before it as in "0.81 AUC"; plain words for the mean absolute error such as "off
    by about $50 on average"; tables whose header names the metric too), preferring the
    results section. The claim for the estimate's
    metric closest to the `[estimate]` in assessment.toml is the headline claim; it is
    compared with the estimate, and with the holdout score the harness measured when it is
    known (in the same metric). When the holdout score is unknown, only the consistency with
    the estimate is judged, and the message says so.

    Why it matters: a write-up that promises 0.95 when the model does 0.78 on new data
    misleads the people who plan with it; numbers that match what was measured show the
    candidate reports honestly. Optimism is the signature of leaky validation; modest
    pessimism is prudence, so the two directions are not judged alike. Score, with a
    holdout score: the claim against it, times 0.7 plus 0.3 for matching the estimate (a
    claim the run contradicts earns little however well it matches the estimate). An
    optimistic claim scores in full within 0.05 (or 10% for error metrics like MAE),
    falling to 0.1 past 0.15 (or 30%); a pessimistic one scores in full within 0.10 below
    the measurement (or, for an error metric, a measured error at most 30% below the
    claimed one: MAE 90 claimed, 64 measured), 0.7 up to twice that, 0.4 beyond. Without a
    holdout score, the match with the estimate alone. A write-up that states no score gets
    0.3; no write-up, 0.

    Evidence: the sentences with the claims, the estimate, and the holdout score."""
    if context.inventory.writeup is None:
        return graded(0.0, "no write-up", no_writeup(context))
    estimate = context.contract.estimate
    metrics = _metric_keys(context)
    found = list(find_claims(context.writeup_text, metrics))
    path = writeup_path(context)
    stated = evidence.text(
        f"[estimate] {estimate.metric} = {estimate.value:g} ({estimate.method})", "assessment.toml"
    )
    if not found:
        names = ", ".join(map(_shown, metrics))
        return graded(
            0.3,
            f"the write-up states no score for {names}",
            stated,
            evidence.text(f"no number next to {names} in the write-up", path),
        )
    headline = _headline(found, _metric_key(estimate.metric), estimate.value)
    others = [claim for claim in found if claim is not headline][:3]
    shown = [
        evidence.text(f"{_shown(c.metric)} {c.value:g}: {c.sentence[:300]}", path)
        for c in [headline, *others]
    ]
    return _judge_claim(context, headline, [stated, *shown])


def _metric_keys(context: CheckContext) -> list[str]:
    wanted = [*context.challenge.metrics, context.contract.estimate.metric]
    keys = [_metric_key(name) for name in wanted]
    return list(dict.fromkeys(key for key in keys if key in METRIC_NAMES))


def _metric_key(name: str) -> str:
    lowered = name.lower().replace("-", "_").replace(" ", "_")
    aliases = {"auc": "roc_auc", "rocauc": "roc_auc", "r_squared": "r2", "r²": "r2"}
    return aliases.get(lowered, lowered)


def find_claims(text: str, metrics: list[str]) -> Iterator[Claim]:
    """Numbers stated next to each metric's name, in sentences and in tables."""
    results = _results_text(text)
    for sentence in sentences(text):
        yield from _sentence_claims(sentence, metrics, sentence in results)
    yield from _table_claims(text, metrics, results)


def _results_text(text: str) -> str:
    """The text under a results-like heading (empty when there is none)."""
    lines = prose_lines(text)
    taken: list[str] = []
    inside = False
    for line in lines:
        heading = ATX_HEADING.match(line)
        if heading:
            inside = bool(SECTIONS["results"].search(heading.group(2)))
        elif inside:
            taken.append(line)
    return plain_text(" ".join(line.strip() for line in taken))


def _sentence_claims(sentence: str, metrics: list[str], in_results: bool) -> Iterator[Claim]:
    for metric in metrics:
        for named in re.finditer(METRIC_NAMES[metric], sentence, re.I):
            value = _number_after(sentence[named.end() : named.end() + WINDOW], metric)
            if value is None:
                value = _number_before(sentence[: named.start()], metric)
            if value is not None:
                yield Claim(metric, value, sentence, in_results)
                break


def _number_before(text: str, metric: str) -> float | None:
    """A number right before the metric's name ("0.81 AUC", "$46-72 (mean absolute error)"):
    only spaces, brackets or a colon between, so counts like "1,400 listings" are never read."""
    found = list(NUMBER.finditer(text.replace("\u2212", "-")))
    if not found or not BEFORE_NAME.fullmatch(text[found[-1].end() :]):
        return None
    return _number_after(found[-1].group(0), metric)


def _number_after(window: str, metric: str) -> float | None:
    """The first number in the window, skipping fold counts like "5-fold"."""
    for match in NUMBER.finditer(window.replace("\u2212", "-")):
        if re.match(r"\s*-?\s*(fold|times|folds|split)", window[match.end() :]):
            continue
        value = float(match.group(1).replace(",", ""))
        if match.group(2) == "%" and metric in BOUNDED:
            value /= 100
        if metric in BOUNDED and value > 1:
            continue
        return value
    return None


def _table_claims(text: str, metrics: list[str], results: str) -> Iterator[Claim]:
    """Numbers in tables: under a header cell naming a metric, or beside a row label (or a
    first header cell) naming one. The first column holds row labels, never values."""
    for header, *body in _tables(text):
        for cells in body:
            for index, metric in _value_cells(header, cells, metrics):
                value = _number_after(plain_text(cells[index]), metric)
                if value is not None:
                    row = " | ".join(cells)
                    yield Claim(metric, value, f"table: {row}", plain_text(cells[0]) in results)


def _tables(text: str) -> list[list[list[str]]]:
    """Each Markdown table as rows of cells, the separator row left out."""
    tables: list[list[list[str]]] = [[]]
    for line in prose_lines(text):
        if not TABLE_ROW.match(line):
            tables.append([])
            continue
        cells = [cell.strip() for cell in line.strip().strip("|").split("|")]
        if not all(re.fullmatch(r":?-{3,}:?", cell) for cell in cells):
            tables[-1].append(cells)
    return [table for table in tables if len(table) > 1]


def _value_cells(
    header: list[str], cells: list[str], metrics: list[str]
) -> Iterator[tuple[int, str]]:
    beside = _named(cells[0], metrics) or _named(header[0], metrics)
    for index in range(1, len(cells)):
        metric = (_named(header[index], metrics) if index < len(header) else None) or beside
        if metric is not None:
            yield index, metric


def _named(cell: str, metrics: list[str]) -> str | None:
    return next((m for m in metrics if re.search(METRIC_NAMES[m], cell, re.I)), None)


def _headline(found: list[Claim], metric: str, estimate: float) -> Claim:
    """The claim for the estimate's metric nearest the estimate (results section first)."""
    same = [c for c in found if c.metric == metric] or found
    preferred = [c for c in same if c.in_results] or same
    return min(preferred, key=lambda c: abs(c.value - estimate))


MATCH_STEPS = {True: (0.05, 0.10, 0.15), False: (0.10, 0.20, 0.30)}
"""Gaps (absolute on a 0..1 metric, relative for an error metric) scoring 1, 0.6 and 0.35;
past the last, 0.1. They judge a match, and an optimistic claim."""
PESSIMISM_TOLERANCE = {True: 0.10, False: 0.30}
"""How pessimistic a claim may be and still score in full: 0.10 below the measurement on a
0..1 metric; for an error metric, a claimed error the measured one is at most 30% below
(claims MAE 90 where 64 was measured: (90 - 64) / 90 = 0.29). Up to twice that scores 0.7,
beyond it 0.4: caution costs far less than optimism, the signature of leaky validation."""


def _match_score(claimed: float, measured: float, metric: str) -> float:
    """How well two numbers agree, in either direction (the claim against the estimate)."""
    bounded = metric in BOUNDED
    gap = abs(claimed - measured) / (1.0 if bounded else max(abs(measured), 1e-9))
    return _stepped(gap, MATCH_STEPS[bounded])


def _stepped(gap: float, steps: tuple[float, float, float]) -> float:
    scores = (1.0, 0.6, 0.35)
    return next((score for score, step in zip(scores, steps, strict=True) if gap <= step), 0.1)


def _is_optimistic(claimed: float, measured: float, metric: str) -> bool:
    """The claim promises better than was measured."""
    return claimed < measured if metric in LOWER_IS_BETTER else claimed > measured


def _pessimism(claimed: float, measured: float, metric: str) -> float:
    """How far a pessimistic claim undersells: absolute on a 0..1 metric, else relative to
    the claim (the share of the claimed error the model did not make)."""
    if metric in BOUNDED:
        return abs(claimed - measured)
    return abs(claimed - measured) / max(abs(claimed), abs(measured), 1e-9)


def _truth_score(claimed: float, measured: float, metric: str) -> float:
    """The claim against what was measured: optimism penalised in full, pessimism within
    the tolerance not at all and past it mildly."""
    if _is_optimistic(claimed, measured, metric):
        return _match_score(claimed, measured, metric)
    tolerance = PESSIMISM_TOLERANCE[metric in BOUNDED]
    under = _pessimism(claimed, measured, metric)
    return 1.0 if under <= tolerance else 0.7 if under <= 2 * tolerance else 0.4


def _judge_claim(context: CheckContext, claim: Claim, shown: list[Evidence]) -> Judgement:
    estimate = context.contract.estimate
    same_metric = _metric_key(estimate.metric) == claim.metric
    estimate_part = _match_score(claim.value, estimate.value, claim.metric) if same_metric else 0.6
    said = f"claims {_shown(claim.metric)} {claim.value:g}"
    shown.append(evidence.metric("claimed", claim.value, f"the write-up's headline {claim.metric}"))
    measured = context.holdout_score
    if measured is None or _metric_key(context.holdout_metric) != claim.metric:
        against = (
            f"the estimate says {estimate.value:g}"
            if same_metric
            else (f"the estimate is in {estimate.metric}")
        )
        why = "unknown" if measured is None else f"in {context.holdout_metric}"
        return graded(
            estimate_part,
            f"{said}, {against}; the holdout score is {why}, so it "
            "is not checked against what was measured",
            *shown,
        )
    shown.append(evidence.metric("holdout_score", measured, f"{claim.metric} on the holdout"))
    score = _truth_score(claim.value, measured, claim.metric) * (0.7 + 0.3 * estimate_part)
    return graded(
        score,
        f"{said}; the harness measured {measured:.3g} on the holdout{_optimism(claim, measured)}",
        *shown,
    )


def _shown(metric: str) -> str:
    return DISPLAY.get(metric, metric)


def _optimism(claim: Claim, measured: float) -> str:
    """How far the claim is from the measurement, and in whose favour."""
    gap = abs(claim.value - measured)
    if _match_score(claim.value, measured, claim.metric) == 1.0:
        return " (consistent)"
    if _is_optimistic(claim.value, measured, claim.metric):
        return f" (the claim is optimistic by {gap:.3g})"
    allowed = _allowance(claim.metric)
    if _truth_score(claim.value, measured, claim.metric) == 1.0:
        return f" (the claim is pessimistic by {gap:.3g}, within the {allowed} allowed for caution)"
    return f" (the claim is pessimistic by {gap:.3g}, past the {allowed} allowed for caution)"


def _allowance(metric: str) -> str:
    tolerance = PESSIMISM_TOLERANCE[metric in BOUNDED]
    return f"{tolerance:g}" if metric in BOUNDED else f"{tolerance:.0%} of the claim"
