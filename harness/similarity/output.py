"""Writing `similarity.json` beside a submission's `result.json`.

The format, read by the report and the cohort page:
`{"engine": "copydetect X.Y", "threshold": 0.6, "pairs": [{"other": label, "other_label":
display name, "score": 0.83, "fragments": [{"file", "lines": [a, b], "other_file",
"other_lines": [a, b], "excerpt"}]}]}`, where `file`/`lines` are on this submission's side.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from harness.files import write_text
from harness.similarity.engine import engine_name
from harness.similarity.model import Fragment, SimilarPair

FILE_NAME = "similarity.json"


def write_similarity(
    result_dir: Path,
    pairs_for_this: Sequence[SimilarPair],
    labels: Mapping[str, str],
    threshold: float,
    *,
    this: str | None = None,
) -> Path:
    """Write `result_dir/similarity.json` (atomically) for the submission whose result is in
    `result_dir`; no pairs writes an empty list. Which side of each pair is this submission:
    `this` when given, else the id in `result_dir/result.json`, else the label every pair has,
    else the folder's name. `labels` gives display names (a missing one shows the label)."""
    this = this or _this_label(result_dir, pairs_for_this)
    document = {
        "engine": engine_name(),
        "threshold": threshold,
        "pairs": [_pair(pair, this, labels) for pair in pairs_for_this],
    }
    return write_text(result_dir / FILE_NAME, json.dumps(document, indent=2) + "\n")


def _this_label(result_dir: Path, pairs: Sequence[SimilarPair]) -> str | None:
    if not pairs:
        return None
    on_every = set.intersection(*({p.a, p.b} for p in pairs))
    for candidate in (_result_id(result_dir), result_dir.name):
        if candidate in on_every:
            return candidate
    return on_every.pop() if len(on_every) == 1 else pairs[0].a


def _result_id(result_dir: Path) -> str | None:
    """`submission.id` of the result.json in `result_dir`, if there is a readable one."""
    try:
        data = json.loads((result_dir / "result.json").read_text(encoding="utf-8"))
        found = data["submission"]["id"]
    except (OSError, ValueError, KeyError, TypeError):
        return None
    return found if isinstance(found, str) else None


def _pair(pair: SimilarPair, this: str | None, labels: Mapping[str, str]) -> dict[str, Any]:
    flipped = this is not None and pair.b == this and pair.a != this
    other = pair.a if flipped else pair.b
    return {
        "other": other,
        "other_label": labels.get(other, other),
        "score": round(pair.score, 3),
        "fragments": [_fragment(f, flipped) for f in pair.fragments],
    }


def _fragment(fragment: Fragment, flipped: bool) -> dict[str, Any]:
    mine = [fragment.file, list(fragment.lines)]
    theirs = [fragment.other_file, list(fragment.other_lines)]
    if flipped:
        mine, theirs = theirs, mine
    return {
        "file": mine[0],
        "lines": mine[1],
        "other_file": theirs[0],
        "other_lines": theirs[1],
        "excerpt": fragment.excerpt,
    }
