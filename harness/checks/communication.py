"""Communication: could a product manager read the write-up, and is it true?

Three checks on the write-up (`README.md` or `WRITEUP.md` at the top of the submission):
its structure, its length and plainness, and whether the results it claims match what the
harness measured.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

from harness.checks import evidence
from harness.checks.context import CheckContext
from harness.checks.registry import Judgement, check, graded
from harness.models import Evidence

FENCE = re.compile(r"^ {0,3}(```|~~~)")
HEADING = re.compile(r"^ {0,3}#{1,6}\s+(.*?)\s*#*\s*$")
LABEL = re.compile(
    r"^\s*(?:[-*+]|\d+\.)?\s*(?:\*\*|__)([^*_]{2,40}?)[:.]?(?:\*\*|__)"
    r"|^([A-Z][A-Za-z /&-]{2,30}):\s"
)
TABLE_ROW = re.compile(r"^\s*\|")
LIST_ITEM = re.compile(r"(?:[-*+]|\d+\.)\s+")
SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[A-Z0-9`*(\"'])")
WORD = re.compile(r"[A-Za-z0-9][A-Za-z0-9'\-.²]*")
NO_WRITEUP = "no README.md or WRITEUP.md at the top of the submission"


def _no_writeup(context: CheckContext) -> Evidence:
    return evidence.text(f"{NO_WRITEUP} ({context.inventory.files} files)")


def _writeup_path(context: CheckContext) -> str | None:
    return context.inventory.writeup.path if context.inventory.writeup else None


def prose_lines(text: str) -> list[str]:
    """The write-up's lines outside fenced code blocks."""
    lines: list[str] = []
    fenced = False
    for line in text.splitlines():
        if FENCE.match(line):
            fenced = not fenced
        elif not fenced:
            lines.append(line)
    return lines


def sentences(text: str) -> list[str]:
    """Prose sentences: headings and table rows left out, list items kept apart, the
    lines of a paragraph joined, inline code and link targets dropped."""
    blocks: list[list[str]] = [[]]
    for line in prose_lines(text):
        stripped = line.strip()
        if not stripped or HEADING.match(line) or TABLE_ROW.match(line):
            blocks.append([])
        elif item := LIST_ITEM.match(stripped):
            blocks.append([stripped[item.end() :]])
        else:
            blocks[-1].append(stripped)
    joined = [_plain(" ".join(block)) for block in blocks if block]
    return [s.strip() for block in joined for s in SENTENCE_END.split(block) if WORD.search(s)]


def _plain(text: str) -> str:
    text = re.sub(r"`[^`]*`", "CODE", text)
    text = re.sub(r"\[([^\]]*)\]\([^)]*\)", r"\1", text)
    return re.sub(r"[*_]{1,3}", "", text)


# --- comms.structure ------------------------------------------------------------------------

SECTIONS = {
    "approach": re.compile(
        r"^(approach)|approach|method|solution|overview|how it works|what i did|model"
        r"|pipeline|design|summary",
        re.I,
    ),
    "assumptions": re.compile(r"^(assumptions?)|assum|premise|decision|scope", re.I),
    "results": re.compile(
        r"^(results?)|result|evaluat|performance|metric|validat|finding|score", re.I
    ),
    "deployment": re.compile(
        r"^(deployment)|deploy|serv(e|ing)|production|operat|monitor|mlops", re.I
    ),
    "limitations": re.compile(
        r"^(limitations?)|limit|caveat|risk|known issue|future|next step|weakness"
        r"|trade-?off|improve",
        re.I,
    ),
}
"""Per part, its synonyms; the part's own word, as a label's first word, is preferred."""


@check("comms.structure", dimension="communication", title="Write-up structure")
def structure(context: CheckContext) -> Judgement:
    """Looks at the write-up's headings, and clearly labelled paragraphs (`**Results**:`,
    `Limitations: ...`), for the five parts a reader needs: approach, assumptions, results,
    deployment and limitations, each matched with its usual synonyms ("Method",
    "Evaluation", "Serving", "Caveats", "Next steps", ...).

    Why it matters: a hiring manager or a product manager reads the write-up before the code;
    one that says what was done, what was assumed, how well it works, how it would run and
    where it breaks is what a colleague would hand over. The score is the share of the five
    parts found; no write-up scores 0.

    Evidence: the headings found and the part each one covers, and the parts missing."""
    if context.inventory.writeup is None:
        return graded(0.0, "no write-up", _no_writeup(context))
    labels = section_labels(context.writeup_text)
    found = {part: _best_label(labels, pattern) for part, pattern in SECTIONS.items()}
    missing = [part for part, label in found.items() if label is None]
    path = _writeup_path(context)
    shown = "; ".join(f'{part}: "{label}"' for part, label in found.items() if label)
    message = f"{len(SECTIONS) - len(missing)} of 5 parts" + (
        f"; missing {', '.join(missing)}"
        if missing
        else ": approach, assumptions, results, deployment, limitations"
    )
    return graded(
        1 - len(missing) / len(SECTIONS),
        message,
        evidence.text(f"found: {shown or 'none'}", path),
        evidence.text(f"missing: {', '.join(missing) or 'none'}", path),
        evidence.text("headings: " + (" | ".join(labels[:20]) or "none"), path),
    )


def _best_label(labels: list[str], pattern: re.Pattern[str]) -> str | None:
    """The first label led by the part's own word, else the first synonym."""
    matching = [label for label in labels if pattern.search(label)]
    led = [label for label in matching if (found := pattern.match(label)) and found.group(1)]
    return next(iter(led or matching), None)


def section_labels(text: str) -> list[str]:
    """Headings (the document's title left out) and bold or `Label:` paragraph labels."""
    labels: list[str] = []
    for number, line in enumerate(prose_lines(text)):
        heading = HEADING.match(line)
        label = LABEL.match(line)
        if heading and not (line.startswith("# ") and not labels and number < 3):
            labels.append(heading.group(1).strip("*_ "))
        elif label and not heading:
            named = (label.group(1) or label.group(2)).strip()
            labels += [] if re.search(r"[\d$]", named) else [named]
    return labels


# --- comms.length ---------------------------------------------------------------------------

JARGON_WORDS = """
    hyperparameter hyperparameters regularisation regularization regularised regularized
    auc roc auroc f1 logit logits ordinal one-hot onehot imputation imputer impute imputed
    embedding embeddings gradient boosting boosted xgboost lightgbm catboost shap psi
    stratified k-fold kfold groupkfold cross-validation cross-validated cv columntransformer
    joblib pickle pickled dockerfile fastapi pydantic uvicorn endpoint endpoints json csv
    mae rmse mse r2 r² overfitting overfit underfitting leakage encoder estimator classifier
    regressor sklearn scikit-learn dataframe pandas numpy tensor epoch epochs
    hyper-parameter hyper-parameters heteroscedastic multicollinearity l1 l2 softmax sigmoid
    bagging ensemble ensembles permutation quantile quantiles percentile iid i.i.d.
    histgradientboostingclassifier histgradientboostingregressor randomforest gbm
    """
JARGON = frozenset(JARGON_WORDS.split())
"""ML terms a product manager would not know (code identifiers count as jargon too)."""
COMFORTABLE = (300, 1500)
"""Prose words a product manager reads without trouble."""


@dataclass(frozen=True)
class Readability:
    """How long and how plain the write-up is."""

    words: int
    sentences: int
    words_per_sentence: float
    jargon_share: float


@check("comms.length", dimension="communication", title="Length and plain language")
def length(context: CheckContext) -> Judgement:
    """Looks at the write-up's length in prose words (code blocks left out), its average
    sentence length, and the share of jargon: ML terms a product manager would not know
    (AUC, one-hot, stratified, GroupKFold, ...) and code identifiers in the prose.

    Why it matters: the write-up is for people who will not read the code. Roughly 300 to
    1,500 words is comfortable; under 100 says nothing and a 5,000-word log of experiments
    hides the answer. Short sentences and few unexplained terms let a non-specialist follow.
    Score: length 0.6 (full from 300 to 1,500 words, falling to 0.1 under 100 and to 0.2
    past 5,000), plain language 0.4 (full up to 25 words a sentence and 8% jargon; not
    credited under 100 words, too little to judge).

    Evidence: the word count, sentences, words per sentence and jargon share as metrics."""
    if context.inventory.writeup is None:
        return graded(0.0, "no write-up", _no_writeup(context))
    words = context.inventory.writeup.summary.words
    measured = readability(context.writeup_text, words)
    plain = _plain_score(measured) if words >= 100 else 0.0
    score = 0.6 * _length_score(words) + 0.4 * plain
    message = (
        f"{words} words ({_length_note(words)}), {measured.words_per_sentence:.0f} words a "
        f"sentence, {measured.jargon_share:.0%} jargon"
    )
    return graded(score, message, *_length_evidence(measured, _writeup_path(context)))


def readability(text: str, words: int) -> Readability:
    found = sentences(text)
    tokens = [token for sentence in found for token in WORD.findall(sentence)]
    jargon = sum(_is_jargon(token) for token in tokens) + " ".join(found).count("CODE")
    return Readability(
        words=words,
        sentences=len(found),
        words_per_sentence=len(tokens) / len(found) if found else 0.0,
        jargon_share=jargon / len(tokens) if tokens else 0.0,
    )


def _is_jargon(token: str) -> bool:
    word = token.strip(".'").lower()
    return word in JARGON or "_" in token or bool(re.match(r"[a-z]+[A-Z]", token))


def _length_score(words: int) -> float:
    low, high = COMFORTABLE
    if words < 100:
        return 0.1
    if words < low:
        return 0.5 + 0.5 * (words - 100) / (low - 100)
    if words <= high:
        return 1.0
    return max(0.2, 1.0 - 0.8 * (words - high) / (5000 - high))


def _plain_score(measured: Readability) -> float:
    per_sentence = measured.words_per_sentence
    sentence_part = 1.0 if per_sentence <= 25 else max(0.3, 1.0 - 0.7 * (per_sentence - 25) / 15)
    jargon = measured.jargon_share
    jargon_part = 1.0 if jargon <= 0.08 else max(0.3, 1.0 - 0.6 * (jargon - 0.08) / 0.12)
    return (sentence_part + jargon_part) / 2


def _length_note(words: int) -> str:
    low, high = COMFORTABLE
    if words < 100:
        return "too short to say much"
    if words < low:
        return "short"
    return "a comfortable length" if words <= high else "long for a product manager"


def _length_evidence(measured: Readability, path: str | None) -> list[Evidence]:
    return [
        evidence.metric("words", measured.words, "prose words in the write-up (code left out)"),
        evidence.metric("sentences", measured.sentences),
        evidence.metric("words_per_sentence", measured.words_per_sentence),
        evidence.metric(
            "jargon_share",
            measured.jargon_share,
            "share of words that are ML jargon or code identifiers",
        ),
        evidence.file(path or "", "the write-up") if path else evidence.text(NO_WRITEUP),
    ]


# --- comms.claims ---------------------------------------------------------------------------

METRIC_NAMES = {
    "roc_auc": r"roc[\s_-]?auc|auroc|\bauc\b|area under the (roc )?curve",
    "balanced_accuracy": r"balanced[\s_-]accuracy",
    "accuracy": r"(?<!balanced )(?<!balanced_)\baccuracy\b",
    "mae": r"\bmae\b|mean absolute error",
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
    metrics or the estimate's (ROC AUC, balanced accuracy, MAE, R², ...; tables whose header
    names the metric too), preferring the results section. The claim for the estimate's
    metric closest to the `[estimate]` in assessment.toml is the headline claim; it is
    compared with the estimate, and with the holdout score the harness measured when it is
    known (in the same metric). When the holdout score is unknown, only the consistency with
    the estimate is judged, and the message says so.

    Why it matters: a write-up that promises 0.95 when the model does 0.78 on new data
    misleads the people who plan with it; numbers that match what was measured show the
    candidate reports honestly. Score, with a holdout score: 0.7 for the gap to it (full
    within 0.05, or 10% for error metrics like MAE, falling to 0.1 past 0.15 or 30%) and
    0.3 for matching the estimate; without one, the match with the estimate alone. A
    write-up that states no score gets 0.3; no write-up, 0.

    Evidence: the sentences with the claims, the estimate, and the holdout score."""
    if context.inventory.writeup is None:
        return graded(0.0, "no write-up", _no_writeup(context))
    estimate = context.contract.estimate
    metrics = _metric_keys(context)
    found = list(find_claims(context.writeup_text, metrics))
    path = _writeup_path(context)
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
        heading = HEADING.match(line)
        if heading:
            inside = bool(SECTIONS["results"].search(heading.group(1)))
        elif inside:
            taken.append(line)
    return _plain(" ".join(line.strip() for line in taken))


def _sentence_claims(sentence: str, metrics: list[str], in_results: bool) -> Iterator[Claim]:
    for metric in metrics:
        for named in re.finditer(METRIC_NAMES[metric], sentence, re.I):
            value = _number_after(sentence[named.end() : named.end() + WINDOW], metric)
            if value is not None:
                yield Claim(metric, value, sentence, in_results)
                break


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
                value = _number_after(_plain(cells[index]), metric)
                if value is not None:
                    row = " | ".join(cells)
                    yield Claim(metric, value, f"table: {row}", _plain(cells[0]) in results)


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


def _gap_score(claimed: float, measured: float, metric: str) -> float:
    gap = abs(claimed - measured)
    scale = 1.0 if metric in BOUNDED else max(abs(measured), 1e-9)
    relative = gap / scale
    steps = (0.05, 0.10, 0.15) if metric in BOUNDED else (0.10, 0.20, 0.30)
    return (
        1.0
        if relative <= steps[0]
        else 0.6
        if relative <= steps[1]
        else (0.35 if relative <= steps[2] else 0.1)
    )


def _judge_claim(context: CheckContext, claim: Claim, shown: list[Evidence]) -> Judgement:
    estimate = context.contract.estimate
    same_metric = _metric_key(estimate.metric) == claim.metric
    estimate_part = _gap_score(claim.value, estimate.value, claim.metric) if same_metric else 0.6
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
    score = 0.7 * _gap_score(claim.value, measured, claim.metric) + 0.3 * estimate_part
    return graded(
        score,
        f"{said}; the harness measured {measured:.3g} on the holdout{_optimism(claim, measured)}",
        *shown,
    )


def _shown(metric: str) -> str:
    return DISPLAY.get(metric, metric)


def _optimism(claim: Claim, measured: float) -> str:
    """How far the claim is from the measurement, and in whose favour."""
    better = claim.value < measured if claim.metric in LOWER_IS_BETTER else claim.value > measured
    gap = abs(claim.value - measured)
    if _gap_score(claim.value, measured, claim.metric) == 1.0:
        return " (consistent)"
    return f" (the claim is {'optimistic' if better else 'pessimistic'} by {gap:.3g})"
