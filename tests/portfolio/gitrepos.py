"""Real git repositories for the portfolio tests, built in tmp_path with `git` itself.

Every commit's author and committer dates are set (`GIT_AUTHOR_DATE`, `GIT_COMMITTER_DATE`),
so a history of ten months is ten months; git runs with no system or user configuration of
this machine's. The four repositories of the issue are here: a notebooks-only analysis, a
deployed service with CI and tests, a single-commit dump, and a hostile one; and a history of
100,000 commits made fast with `git fast-import`.
"""

from __future__ import annotations

import json
import os
import subprocess
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

START = datetime(2024, 1, 8, 10, 0, tzinfo=UTC)
ADA = ("Ada Lovelace", "ada@example.com")
GRACE = ("Grace Hopper", "grace@example.com")


def git_env(home: Path, when: datetime | None = None, who: tuple[str, str] = ADA) -> dict[str, str]:
    stamp = (when or START).strftime("%Y-%m-%dT%H:%M:%S+0000")
    return {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "HOME": str(home),
        "GIT_CONFIG_NOSYSTEM": "1",
        "GIT_CONFIG_GLOBAL": "/dev/null",
        "GIT_AUTHOR_NAME": who[0],
        "GIT_AUTHOR_EMAIL": who[1],
        "GIT_COMMITTER_NAME": who[0],
        "GIT_COMMITTER_EMAIL": who[1],
        "GIT_AUTHOR_DATE": stamp,
        "GIT_COMMITTER_DATE": stamp,
    }


@dataclass
class Repo:
    """A repository being built: write files, commit them at a date."""

    root: Path

    @property
    def home(self) -> Path:
        home = self.root.parent / f".{self.root.name}-home"
        home.mkdir(exist_ok=True)
        return home

    def git(self, *args: str, when: datetime | None = None, who: tuple[str, str] = ADA) -> str:
        done = subprocess.run(
            ["git", "-c", "protocol.file.allow=always", *args], cwd=self.root,
            env=git_env(self.home, when, who), capture_output=True, text=True, check=True,
        )  # fmt: skip
        return done.stdout

    def write(self, files: Mapping[str, str | bytes]) -> None:
        for name, content in files.items():
            path = self.root / name
            path.parent.mkdir(parents=True, exist_ok=True)
            if isinstance(content, bytes):
                path.write_bytes(content)
            else:
                path.write_text(content, encoding="utf-8")

    def commit(
        self, message: str, when: datetime, files: Mapping[str, str | bytes] | None = None,
        who: tuple[str, str] = ADA,
    ) -> str:  # fmt: skip
        self.write(files or {})
        self.git("add", "-A")
        self.git("commit", "-q", "--allow-empty", "-m", message, when=when, who=who)
        return self.git("rev-parse", "HEAD").strip()


def init(root: Path) -> Repo:
    root.mkdir(parents=True)
    repo = Repo(root)
    repo.git("init", "-q", "-b", "main")
    return repo


def notebook(cells: list[str], counts: list[int | None] | None = None) -> str:
    """An nbformat 4 notebook of code cells (execution counts as given)."""
    counts = counts or list(range(1, len(cells) + 1))
    return json.dumps({
        "nbformat": 4, "nbformat_minor": 5, "metadata": {},
        "cells": [
            {"cell_type": "code", "id": f"c{n}", "metadata": {}, "execution_count": count,
             "outputs": [], "source": source}
            for n, (source, count) in enumerate(zip(cells, counts, strict=True))
        ],
    })  # fmt: skip


ANALYSIS_CELLS = [
    "import pandas as pd\nimport matplotlib.pyplot as plt\n",
    "df = pd.read_csv('data/sales.csv')\ndf.head()\n",
    "df['month'] = pd.to_datetime(df['date']).dt.month\nmonthly = df.groupby('month').sum()\n",
    "from sklearn.linear_model import LinearRegression\n"
    "X = monthly[['units']]\ny = monthly['revenue']\n",
    "model = LinearRegression().fit(X, y)\nprint(model.score(X, y))\n",
    "plt.plot(monthly.index, monthly['revenue'])\nplt.title('Revenue by month')\n",
]


def notebooks_only(root: Path) -> Repo:
    """An analysis left in notebooks: three of them, a CSV, a two-line README, a few days."""
    repo = init(root)
    repo.commit("first analysis", START, {
        "README.md": "# Sales analysis\n\nNotebooks exploring last year's sales.\n",
        "data/sales.csv": "date,units,revenue\n" + "".join(
            f"2023-{m:02d}-01,{10 * m},{100 * m}\n" for m in range(1, 13)),
        "01_explore.ipynb": notebook(ANALYSIS_CELLS),
    })  # fmt: skip
    repo.commit("regression", START + timedelta(days=1), {
        "02_model.ipynb": notebook([*ANALYSIS_CELLS[:5], "print(model.coef_)\n"],
                                   [3, 1, 2, 5, 4, 6]),
    })  # fmt: skip
    repo.commit("plots", START + timedelta(days=2), {
        "03_plots.ipynb": notebook(ANALYSIS_CELLS[::-1]),
    })  # fmt: skip
    return repo


SERVICE_FILES: dict[str, str] = {
    "README.md": """# Churn scoring service

The churn model runs in production on our Kubernetes cluster and serves predictions over a
FastAPI endpoint to the retention tool. Every request is logged, and Prometheus metrics
track latency and error rates; we alert when the share of errors goes above 1%.

## Running it

`make train` builds the model from the nightly extract; `make serve` starts the API.

## Limitations

Customers with less than a month of history get a prior-based score.
""",
    "churn/__init__.py": '"""Churn scoring: features, training, serving."""\n',
    "churn/features.py": '''"""Features built from the raw customer table."""

from __future__ import annotations

import pandas as pd

REQUIRED = ("customer_id", "tenure_months", "monthly_charges", "plan")


class BadInputError(ValueError):
    """The input table cannot be scored."""


def check_columns(frame: pd.DataFrame) -> None:
    missing = [c for c in REQUIRED if c not in frame.columns]
    if missing:
        raise BadInputError(f"missing columns: {missing}")
    if frame["customer_id"].duplicated().any():
        raise BadInputError("duplicate customer ids")


def build_features(frame: pd.DataFrame) -> pd.DataFrame:
    check_columns(frame)
    out = frame[list(REQUIRED)].copy()
    out["charges_per_month_of_tenure"] = out["monthly_charges"] / (out["tenure_months"] + 1)
    out["is_new"] = out["tenure_months"] < 3
    return out
''',
    "churn/train.py": '''"""Train the churn model on the nightly extract; save it with versions."""

from __future__ import annotations

import json
import logging
from pathlib import Path

import joblib
import pandas as pd
import sklearn
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import cross_val_score

from churn.features import build_features

log = logging.getLogger(__name__)


def train(extract: Path, out: Path) -> float:
    frame = pd.read_parquet(extract)
    features = build_features(frame)
    X = features[["tenure_months", "monthly_charges", "charges_per_month_of_tenure"]]
    y = frame["churned"]
    model = LogisticRegression(max_iter=500)
    score = float(cross_val_score(model, X, y, cv=5, scoring="roc_auc").mean())
    model.fit(X, y)
    joblib.dump(model, out / "model.joblib")
    meta = {"sklearn": sklearn.__version__, "cv_auc": score}
    (out / "metadata.json").write_text(json.dumps(meta))
    features.to_parquet(out / "features.parquet")
    log.info("trained: cv auc %.3f", score)
    return score
''',
    "churn/api.py": '''"""The scoring API: validated input, the model loaded once, metrics, logs."""

from __future__ import annotations

import logging

import joblib
from fastapi import FastAPI, HTTPException
from prometheus_client import Counter, Histogram
from pydantic import BaseModel, Field

log = logging.getLogger(__name__)
app = FastAPI(title="churn")
REQUESTS = Counter("churn_requests_total", "Scoring requests")
LATENCY = Histogram("churn_latency_seconds", "Scoring latency")
model = joblib.load("artifacts/model.joblib")


class Customer(BaseModel):
    tenure_months: int = Field(ge=0)
    monthly_charges: float = Field(ge=0)


@app.get("/health")
def health() -> dict[str, str]:
    return {"status": "ok"}


@app.post("/predict")
def predict(customer: Customer) -> dict[str, float]:
    REQUESTS.inc()
    with LATENCY.time():
        try:
            row = [[customer.tenure_months, customer.monthly_charges]]
            probability = float(model.predict_proba(row)[0][1])
        except ValueError as err:
            log.exception("scoring failed")
            raise HTTPException(status_code=422, detail=str(err)) from err
    log.info("scored a customer")
    return {"churn_probability": probability}
''',
    "tests/test_features.py": """import pandas as pd
import pytest

from churn.features import BadInputError, build_features, check_columns


def frame() -> pd.DataFrame:
    return pd.DataFrame({"customer_id": [1, 2], "tenure_months": [1, 24],
                         "monthly_charges": [50.0, 80.0], "plan": ["a", "b"]})


def test_features_have_the_ratio() -> None:
    out = build_features(frame())
    assert out["charges_per_month_of_tenure"].round(1).tolist() == [25.0, 3.2]


def test_new_customers_are_marked() -> None:
    assert build_features(frame())["is_new"].tolist() == [True, False]


def test_missing_columns_are_refused() -> None:
    with pytest.raises(BadInputError):
        check_columns(frame().drop(columns=["plan"]))


def test_duplicates_are_refused() -> None:
    with pytest.raises(BadInputError):
        check_columns(pd.concat([frame(), frame()]))


@pytest.mark.skip(reason="needs the nightly extract")
def test_training_on_the_extract() -> None:
    raise AssertionError("never runs")
""",
    ".github/workflows/ci.yml": """name: ci
on:
  push:
  schedule:
    - cron: "0 3 * * *"
jobs:
  test:
    runs-on: ubuntu-latest
    steps:
      - uses: actions/checkout@v4
      - run: pip install -r requirements.txt
      - run: ruff check .
      - run: pytest -q
      - run: docker build -t churn . && docker push registry.example.com/churn
""",
    "Dockerfile": """FROM python:3.11.9-slim
WORKDIR /app
COPY requirements.txt .
RUN pip install --no-cache-dir -r requirements.txt
COPY churn churn
USER 10001
HEALTHCHECK CMD python -c "import urllib.request; urllib.request.urlopen('http://localhost:8000/health')"
CMD ["uvicorn", "churn.api:app", "--host", "0.0.0.0", "--port", "8000"]
""",
    "k8s/deployment.yaml": """apiVersion: apps/v1
kind: Deployment
metadata:
  name: churn
spec:
  replicas: 2
  template:
    spec:
      containers:
        - name: churn
          image: registry.example.com/churn:1.4.0
""",
    ".pre-commit-config.yaml": """repos:
  - repo: https://github.com/astral-sh/ruff-pre-commit
    rev: v0.4.4
    hooks:
      - id: ruff
      - id: ruff-format
""",
    "pyproject.toml": """[tool.ruff]
line-length = 100

[tool.mypy]
strict = true
""",
}


SEGMENTS = (
    "new", "loyal", "at_risk", "dormant", "premium", "budget", "family", "business", "student",
    "senior", "mobile_only", "bundle", "promo", "win_back", "high_usage", "low_usage",
    "roaming", "prepaid", "contract_end", "complaints", "upgraded", "downgraded", "referred",
    "seasonal",
)  # fmt: skip
SERVICE_FILES["churn/segments.py"] = (
    '"""Customer segments the retention team acts on."""\n\n'
    + ("from __future__ import annotations\n\nimport pandas as pd\n\n\n")
    + "\n\n".join(
        f"def is_{name}(frame: pd.DataFrame) -> pd.Series:\n"
        f'    """Customers of the {name} segment."""\n'
        f'    tenure = frame["tenure_months"]\n'
        f'    charges = frame["monthly_charges"]\n'
        f"    limit = {10 * (n + 1)}\n"
        f"    if limit > 50:\n"
        f"        return (tenure > limit // 10) & (charges > limit)\n"
        f"    return (tenure <= limit) | (charges <= limit / 2)\n"
        for n, name in enumerate(SEGMENTS)
    )
    + "\n\n\nSEGMENT_RULES = {\n"
    + "".join(f'    "{n}": is_{n},\n' for n in SEGMENTS)
    + "}\n"
)
SERVICE_FILES[
    "churn/report.py"
] = '''"""The weekly report of scores by segment, for the retention team."""

from __future__ import annotations

import logging

import pandas as pd

from churn.segments import SEGMENT_RULES

log = logging.getLogger(__name__)


def by_segment(scores: pd.DataFrame) -> pd.DataFrame:
    rows = []
    for name, rule in SEGMENT_RULES.items():
        members = scores[rule(scores)]
        rows.append({"segment": name, "customers": len(members),
                     "mean_score": float(members["score"].mean()) if len(members) else 0.0})
        log.info("segment %s: %d customers", name, len(members))
    return pd.DataFrame(rows)


def write_report(scores: pd.DataFrame, out: str) -> None:
    table = by_segment(scores)
    if table["customers"].sum() == 0:
        raise ValueError("no customers in any segment: is the extract empty?")
    table.to_csv(out, index=False)
    log.warning("report written with %d segments", len(table))
'''


def deployed_service(root: Path, requirements: str) -> Repo:
    """A churn service grown over ten months by two people: a package, tests, CI, a
    Dockerfile and a Kubernetes manifest; `requirements` is its requirements.txt."""
    repo = init(root)
    files = dict(SERVICE_FILES, **{"requirements.txt": requirements})
    order = ["README.md", "churn/__init__.py", "churn/features.py", "requirements.txt"]
    repo.commit("features", START, {name: files[name] for name in order})
    rest = [name for name in files if name not in order]
    for week, name in enumerate(rest, start=1):
        repo.commit(f"add {name}", START + timedelta(weeks=week), {name: files[name]},
                    who=GRACE if week % 2 else ADA)  # fmt: skip
    for week in range(len(rest) + 1, 44, 2):  # maintenance: small changes over the months
        text = files["churn/features.py"] + f"\n# revision {week}\n"
        repo.commit(f"revise features ({week})", START + timedelta(weeks=week),
                    {"churn/features.py": text})  # fmt: skip
    return repo


DUMP_MODULES = {
    f"pipeline/step_{n}.py": "\n".join(
        [f'"""Step {n} of the pipeline."""', "", "import pandas as pd", "", ""]
        + [f"def transform_{n}_{k}(frame: pd.DataFrame) -> pd.DataFrame:\n"
           f"    frame = frame.copy()\n    frame['c{k}'] = frame['x'] * {k}\n    return frame\n\n"
           for k in range(8)]
    )
    for n in range(6)
}  # fmt: skip


def single_commit_dump(root: Path) -> Repo:
    """A whole project committed at once: modules, a test, a README, one commit."""
    repo = init(root)
    repo.commit("initial commit", START, {
        "README.md": "# Pipeline\n\nData transformations.\n",
        **DUMP_MODULES,
        "pipeline/__init__.py": "",
        "tests/test_steps.py": "from pipeline.step_0 import transform_0_1\n\n\n"
                               "def test_it():\n    assert transform_0_1 is not None\n",
    })  # fmt: skip
    return repo


def long_history(root: Path, commits: int) -> Repo:
    """`commits` commits on main in a few seconds, through `git fast-import`."""
    repo = init(root)
    lines: list[str] = []
    base = int(START.timestamp())
    for n in range(1, commits + 1):
        stamp = base + 3600 * n
        message = f"commit {n}"
        lines += [
            "commit refs/heads/main", f"mark :{n}",
            f"author Ada <ada@example.com> {stamp} +0000",
            f"committer Ada <ada@example.com> {stamp} +0000",
            f"data {len(message)}", message,
        ]  # fmt: skip
        if n == 1:
            content = "print('hello')\n"
            lines += ["M 644 inline main.py", f"data {len(content)}", content.rstrip("\n")]
        lines.append("")
    subprocess.run(["git", "fast-import", "--quiet"], cwd=root, input="\n".join(lines) + "\n",
                   text=True, check=True, env=git_env(repo.home))  # fmt: skip
    return repo
