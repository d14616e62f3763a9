"""Communication: could a product manager read the write-up, and is it true?

Three checks on the write-up (`README.md` or `WRITEUP.md` at the top of the submission):
its structure, its length and plainness, and whether the results it claims match what the
harness measured. Here: structure and length; `comms_claims` holds the claims.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from harness.checks import evidence, prose
from harness.checks.context import CheckContext
from harness.checks.prose import BLANK, Splitter, writeup_path
from harness.checks.registry import Judgement, check, graded
from harness.checks.statements import sections as write_up_sections
from harness.models import Evidence
from harness.readers.writeup import ATX_HEADING

TABLE_ROW = re.compile(r"^\s*\|")
WRITTEN_ITEM = re.compile(r"^\s*(?:[-*+]|\d+\.)\s+(\S.*?)\s*$")
"""A list item with words in it (a bare `-` stays in its paragraph); group 1 is its text,
trailing spaces left out."""
SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[A-Z0-9`*(\"'])")
WORD = re.compile(r"[A-Za-z0-9][A-Za-z0-9'\-.²]*")
NO_WRITEUP = "no README.md or WRITEUP.md at the top of the submission"


def no_writeup(context: CheckContext) -> Evidence:
    return evidence.text(f"{NO_WRITEUP} ({context.inventory.files} files)")


def plain_text(text: str) -> str:
    """Inline code as `CODE`, links as their text, emphasis marks dropped."""
    text = re.sub(r"`[^`]*`", "CODE", text)
    text = re.sub(r"\[([^\]]*)\]\([^)]*\)", r"\1", text)
    return re.sub(r"[*_]{1,3}", "", text)


SENTENCES = Splitter(
    SENTENCE_END,
    breaks=(BLANK, ATX_HEADING, TABLE_ROW),
    list_item=WRITTEN_ITEM,
    plain=plain_text,
    counts=WORD,
)
"""Paragraphs and list items; headings and table rows left out, inline code and links
made plain; a sentence may start with a digit."""


def sentences(text: str) -> list[str]:
    """Prose sentences: headings and table rows left out, list items kept apart, the
    lines of a paragraph joined, inline code and link targets dropped."""
    return prose.sentences(text, SENTENCES)


# --- comms.structure ------------------------------------------------------------------------

SECTIONS = {
    "approach": re.compile(
        r"^(approach)|approach|method|solution|overview|how it works|what i did|model"
        r"|pipeline|design|summary",
        re.I,
    ),
    "assumptions": re.compile(r"^(assumptions?)|assum|premise|decision|scope", re.I),
    "results": re.compile(
        r"^(results?)|result|evaluat|performance|metric|validat|finding|score|how good"
        r"|how well|accuracy|\berrors?\b",
        re.I,
    ),
    "deployment": re.compile(
        r"^(deployment)|deploy|serv(e|ing)|production|operat|monitor|mlops|running it"
        r"|in use|roll-?out|shipping|launch",
        re.I,
    ),
    "limitations": re.compile(
        r"^(limitations?)|limit|caveat|risk|known issue|future|next step|weakness"
        r"|trade-?off|improve|watch out|gotcha|not done",
        re.I,
    ),
}
"""Per part, its synonyms; the part's own word, as a label's first word, is preferred."""


@check("comms.structure", dimension="communication", title="Write-up structure")
def structure(context: CheckContext) -> Judgement:
    """Looks at the write-up's headings, and labels (`Deploy:` or `**Limitations**` alone on a
    line, `**Results**: ...`, `Limitations — ...` leading a paragraph), for the five parts a
    reader needs: approach, assumptions, results, deployment and limitations, each matched
    with its usual synonyms ("Method", "Evaluation", "Serving", "Caveats", "Next steps", ...).

    Why it matters: a hiring manager or a product manager reads the write-up before the code;
    one that says what was done, what was assumed, how well it works, how it would run and
    where it breaks is what a colleague would hand over. The score is the share of the five
    parts found; no write-up scores 0.

    Evidence: the headings found and the part each one covers, and the parts missing."""
    if context.inventory.writeup is None:
        return graded(0.0, "no write-up", no_writeup(context))
    labels = section_labels(context.writeup_text)
    found = {part: _best_label(labels, pattern) for part, pattern in SECTIONS.items()}
    missing = [part for part, label in found.items() if label is None]
    path = writeup_path(context)
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
    """Headings (the document's title left out) and labels: a short label alone on its line
    (`Deploy:`, `**Limitations**`) or leading a paragraph (`**Results**: ...`,
    `Limitations — ...`), as the write-up reader finds them."""
    return [section.label for section in write_up_sections(text)]


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
        return graded(0.0, "no write-up", no_writeup(context))
    words = context.inventory.writeup.summary.words
    measured = readability(context.writeup_text, words)
    plain = _plain_score(measured) if words >= 100 else 0.0
    score = 0.6 * _length_score(words) + 0.4 * plain
    message = (
        f"{words} words ({_length_note(words)}), {measured.words_per_sentence:.0f} words a "
        f"sentence, {measured.jargon_share:.0%} jargon"
    )
    return graded(score, message, *_length_evidence(measured, writeup_path(context)))


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
