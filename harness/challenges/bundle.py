"""The candidate bundle of a challenge, and the proof that nothing private is in it.

The bundle holds what a candidate needs and nothing more: the brief, the training data, the
sample features, the public `challenge.toml`, a template `assessment.toml` and how to run
the self-check. It is checked before it is written: no file from `private/`, no byte
sequence of any private file, no holdout id.
"""

from __future__ import annotations

import csv
import io
import zipfile
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path

from harness import __version__
from harness.challenges.cases import CASES_DIR
from harness.challenges.model import CHALLENGE_FILE, Challenge
from harness.errors import HarnessError
from harness.files import replacing
from harness.holdout import HOLDOUT

PUBLIC_FILES = ("brief.md", "data/train.csv", "data/sample_features.csv")
CASE_FILE_MIN_BYTES = 32
"""A calibration case's file shorter than this (an `__init__.py` of one line, a one-package
`requirements.txt`) says nothing private and would match public text by chance: it is not
looked for in public files. Longer case files are private like the rest of `private/`."""
ZIP_DATE = (2020, 1, 1, 0, 0, 0)
CANARY_MIN_CHARS = 6
"""A shorter canary would match public text by chance."""


def bundle_files(challenge: Challenge) -> dict[str, bytes]:
    """Every file of the candidate bundle, by its name inside the zip."""
    files: dict[str, bytes] = {}
    for name in PUBLIC_FILES:
        path = challenge.public / name
        if not path.is_file():
            raise HarnessError(f"{path}: no such file; the challenge's public side is incomplete",
                               hint="run its generate.py")  # fmt: skip
        files[name] = path.read_bytes()
    files[CHALLENGE_FILE] = (challenge.folder / CHALLENGE_FILE).read_bytes()
    files["assessment.toml"] = template_contract(challenge).encode()
    files["SELF-CHECK.md"] = self_check_text(challenge).encode()
    files.update(model_api_files(challenge))
    return files


def model_api_files(challenge: Challenge) -> dict[str, bytes]:
    """The model API's stand-in (the server with the public config built in) for a
    challenge that gives one; nothing otherwise. Its config is built in, not beside it, so
    the candidate starts it with one command: `python model_api_standin.py`."""
    from harness.model_api import config as api

    standin = api.standin_bytes(challenge.folder)
    return {} if standin is None else {api.STANDIN_NAME: standin}


@dataclass(frozen=True)
class Leak:
    """Something private found in a public file."""

    file: str
    what: str


def find_leaks(challenge: Challenge, files: Mapping[str, bytes]) -> list[Leak]:
    """Private files by name or by content, and holdout ids, inside the given files."""
    leaks: list[Leak] = []
    private = _private_files(challenge)
    ids = _holdout_ids(challenge)
    canaries = _canaries(challenge)
    for name, content in files.items():
        leaks += [Leak(name, f"the bytes of private/{p}") for p, b in private.items()
                  if b and b in content]  # fmt: skip
        if name.startswith("private/"):
            leaks.append(Leak(name, "a file from private/"))
        found = next((i for i in ids if i.encode() in content), None)
        if found is not None:
            leaks.append(Leak(name, f"the holdout id {found}"))
        canary = next((c for c in canaries if c.encode() in content), None)
        if canary is not None:
            leaks.append(Leak(name, f"a canary of private/model_api.json ({canary[:4]}...)"))
    return leaks


def _canaries(challenge: Challenge) -> list[str]:
    """The personal-data canaries the graded model API looks for: a public file holding one
    would hand the candidate the trap (the stand-in's public config must hold none)."""
    from harness.model_api import config as api

    if not api.has_model_api(challenge.folder):
        return []
    values = api.load_settings(challenge.folder).private.get("canaries") or []
    return [str(v) for v in values if len(str(v)) >= CANARY_MIN_CHARS]


def pack(challenge: Challenge, out: Path) -> list[str]:
    """Write the bundle zip (deterministic bytes, atomically); refuse if anything leaks."""
    files = bundle_files(challenge)
    leaks = find_leaks(challenge, files)
    if leaks:
        first = leaks[0]
        raise HarnessError(f"refusing to pack {challenge.id}: {first.file} holds {first.what}")
    folder = f"{challenge.id}/"
    with replacing(out) as partial, zipfile.ZipFile(partial, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, content in sorted(files.items()):
            info = zipfile.ZipInfo(folder + name, date_time=ZIP_DATE)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            archive.writestr(info, content)
    return sorted(files)


def template_contract(challenge: Challenge) -> str:
    """A starting `assessment.toml` for this challenge, with every key explained."""
    metric = challenge.metrics[0]
    return f"""\
# How the grader runs your submission. Keep this file at the top of your folder.
# Placeholders are filled in by the harness: {{data}} (read-only folder with train.csv),
# {{artifacts}} (kept from train to predict), {{input}} (a features CSV), {{output}} (where
# your predictions CSV goes), {{port}} (for serve). Write a literal brace as {{{{ or }}}}.

[submission]
challenge = "{challenge.id}"

[commands]
train   = "python -m mymodel.train --data {{data}} --out {{artifacts}}"
predict = "python -m mymodel.predict --model {{artifacts}} --input {{input}} --output {{output}}"
# test  = "pytest -q"                                                        # optional
# serve = "python -m mymodel.serve --model {{artifacts}} --port {{port}}"  # optional

# [serve]          # only with serve
# health  = "/health"
# predict = "/predict"

[estimate]         # the score you expect on new data, and how you measured it
metric = "{metric}"
value  = 0.0
method = "how you estimated it"
"""


def self_check_text(challenge: Challenge) -> str:
    """How a candidate installs the harness and runs `grade check` on their folder."""
    return f"""\
# Self-check before you submit

`grade check` runs your submission the way the grader will: it reads `assessment.toml`,
packs your folder as the grader unpacks it, runs `train` on `data/train.csv` and `predict`
on `data/sample_features.csv`, checks the predictions' format, runs your tests, probes your
service if you declared one, and prints a lint summary. It uses only this bundle: nothing
about how submissions are scored is in it.

You need Python 3.11 and pip. Install grade {__version__} (its package is `grade-takehome`;
the command is `grade`) into a virtual environment outside your submission folder, from the
wheel or source your hiring team sent with this bundle. Not `pip install grade`: that is
another project of the same name.

```bash
python3.11 -m venv ~/grade-env && . ~/grade-env/bin/activate
pip install path/to/grade_takehome-{__version__}-py3-none-any.whl
# or, from its source: pip install -e path/to/grade
```

Then, where `bundles` is the folder you unzipped this bundle in (the one that holds
`{challenge.id}/`) and `my-submission` the folder with your `assessment.toml` at its top:

```bash
grade check my-submission --challenges bundles
grade check my-submission --challenges bundles --zip submission.zip
```

Each line passes, warns or fails, and says what to fix; the exit code is 1 when something
fails, that is when your submission would not run at grading. With `--zip` it writes the zip
to send (only when nothing fails), leaving out caches, virtual environments, copies of this
bundle's files, data files over 10 MiB and model files built locally (`train` builds them
again at grading), and it lists what it left out.

Docker is optional. With Docker, run `grade sandbox build` once (the wheel holds what it
builds from), and your code runs in the grading image (no network, read-only files, memory
limits); `grade sandbox doctor` says what is missing. Without it,
`grade check` says so and runs your commands as plain processes with the Python grade is
installed in: install your own `requirements.txt` into it first
(`pip install -r requirements.txt`).

The challenge is `{challenge.id}` ({challenge.title}). Predictions are a CSV with the
columns {_prediction_columns(challenge)}, one row per input row.
"""


def _prediction_columns(challenge: Challenge) -> str:
    columns = [challenge.id_column, "prediction"]
    if challenge.probability:
        columns.append("probability")
    return ", ".join(f"`{c}`" for c in columns)


def _private_files(challenge: Challenge) -> dict[str, bytes]:
    root = challenge.private
    if not root.is_dir():
        return {}
    cases = challenge.folder / CASES_DIR
    files = {}
    for path in sorted(root.rglob("*")):
        if not path.is_file() or "__pycache__" in path.parts:
            continue
        content = path.read_bytes()
        if path.is_relative_to(cases) and len(content) < CASE_FILE_MIN_BYTES:
            continue
        files[path.relative_to(root).as_posix()] = content
    return files


def _holdout_ids(challenge: Challenge) -> list[str]:
    path = challenge.folder / HOLDOUT / "features.csv"
    if not path.is_file():
        return []
    rows = csv.DictReader(io.StringIO(path.read_text(encoding="utf-8")))
    return _column(rows, challenge.id_column)


def _column(rows: Iterable[dict[str, str]], name: str) -> list[str]:
    return [row[name] for row in rows if row.get(name)]
