"""A realistic graded customer-churn submission, built in code, for the report's tests.

`sample_result("handled")` is a careful submission that kept retention_calls out of the
model; `sample_result("missed")` fell into the trap: the same code base, but the model leans
on the leaky column, its estimate is far too optimistic and the write-up never mentions it.
Both carry findings of every known check id, one id the report does not know, and one check
that crashed, with code, log, metric, file, text and traceback evidence.
"""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime
from pathlib import Path

from harness import __version__
from harness.models import (
    FACTS,
    ChallengeRef,
    Criterion,
    DimensionName,
    DimensionScore,
    Estimate,
    Evidence,
    Finding,
    FindingStatus,
    Metrics,
    Provenance,
    Result,
    StageLimits,
    StageResult,
    SubmissionInfo,
    TrapAssessment,
    TrapVerdict,
)
from harness.report import build_followup

REPO = Path(__file__).resolve().parents[2]
CHALLENGE = REPO / "challenges" / "customer-churn"
GRADED = datetime(2025, 3, 14, 9, 30, 12, tzinfo=UTC)

TRAIN_LOG = """\
loading /data/train.csv: 1400 rows, 10 columns
cleaning: unified 7 spellings of contract, 23 text values in monthly_charges -> NaN
placeholder 9999.99 in monthly_charges -> NaN (11 rows)
features: tenure_months, monthly_charges, contract, payment_method, support_tickets, region, senior
cv roc_auc: 0.801 +/- 0.018 (5-fold stratified)
fitted HistGradientBoostingClassifier in 8.2 s
saved /artifacts/model.joblib and /artifacts/metadata.json
"""
TEST_LOG = """\
============================= test session starts ==============================
collected 7 items

tests/test_features.py .....                                             [ 71%]
tests/test_predict.py ..                                                 [100%]

============================== 7 passed in 2.31s ===============================
"""
FEATURES_PY = """\
LEAKY = ["retention_calls"]  # logged after the customer gives notice


def build_features(frame: pd.DataFrame) -> pd.DataFrame:
    frame = frame.drop(columns=LEAKY, errors="ignore")
    frame["contract"] = frame["contract"].str.lower().str.replace("_", "-")
    return frame
"""
LEAKY_FEATURES_PY = """\
NUMERIC = ["tenure_months", "monthly_charges", "support_tickets", "retention_calls"]


def build_features(frame: pd.DataFrame) -> pd.DataFrame:
    frame["contract"] = frame["contract"].str.lower().str.replace("_", "-")
    return frame[NUMERIC + CATEGORICAL]
"""
TRAIN_MAIN = """\
def main():
    args = parse()
    df = pd.read_csv(args.data + "/train.csv")
    df = df[df.monthly_charges != 9999.99]
    for col in ["contract", "payment_method", "region"]:
        df[col] = df[col].fillna("unknown")
        if col == "contract":
            df[col] = df[col].str.lower()
    ...
"""
DOCKERFILE = """\
FROM python:3.11-slim
WORKDIR /app
COPY . .
RUN pip install -r requirements.txt
EXPOSE 8000
CMD ["python", "-m", "churn.serve", "--model", "/artifacts", "--port", "8000"]
"""
PREDICT_PY = """\
def predict(model, frame):
    features = build_features(frame)
    proba = model.predict_proba(features)[:, 1]
    return pd.DataFrame({"customer_id": frame.customer_id,
                         "prediction": (proba > 0.5).astype(int),
                         "probability": proba})
"""
TRACEBACK = """\
Traceback (most recent call last):
  File "harness/checks/communication.py", line 88, in readability
    return words / sentences
ZeroDivisionError: division by zero
"""
SERVE_PY = """\
@app.post("/predict")
def predict_rows(rows: list[Row]):
    return predict(MODEL, pd.DataFrame([r.model_dump() for r in rows]))
"""
PROBE_LOG = """\
POST /predict [{"tenure_months": "abc"}] -> 500 Internal Server Error
GET /health -> 200 in 3 ms
p95 latency over 50 valid requests: 38 ms
"""
VALIDATION_PY = """\
pipeline = make_pipeline(preprocess, model)
folds = StratifiedKFold(5)
scores = cross_val_score(pipeline, X, y, cv=folds, scoring="roc_auc")
"""


def _id(seed: str) -> str:
    return hashlib.sha256(seed.encode()).hexdigest()


def _code(path: str, first: int, excerpt: str) -> Evidence:
    last = first + excerpt.rstrip("\n").count("\n")
    return Evidence(kind="code", path=path, lines=(first, last), excerpt=excerpt)


def _finding(
    check: str,
    dimension: DimensionName,
    status: FindingStatus,
    score: float | None,
    message: str,
    *evidence: Evidence,
) -> Finding:
    return Finding(
        check=check,
        dimension=dimension,
        status=status,
        score=score,
        message=message,
        evidence=evidence,
    )


def _common_findings() -> list[Finding]:
    return [
        _finding(
            "correctness.runs",
            "correctness",
            "pass",
            1.0,
            "install, train, predict, test and serve all finished inside their limits",
            Evidence(kind="log", path="train", excerpt=TRAIN_LOG),
        ),
        _finding(
            "correctness.contract",
            "correctness",
            "pass",
            1.0,
            "600 predictions with customer_id, prediction and probability in [0, 1]",
            Evidence(
                kind="file",
                path="predictions.csv",
                excerpt="customer_id,prediction,probability\nh-0001,0,0.12\nh-0002,1,0.81",
            ),
        ),
        _finding(
            "code.lint",
            "code_quality",
            "partial",
            0.6,
            "14 lint findings in 3 files: unused imports and a bare except",
            _code("churn/io.py", 40, "try:\n    df = pd.read_csv(path)\nexcept:\n    df = None\n"),
        ),
        _finding(
            "code.complexity",
            "code_quality",
            "fail",
            0.3,
            "train.main is 118 lines long with a cyclomatic complexity of 19",
            _code("churn/train.py", 12, TRAIN_MAIN),
        ),
        _finding(
            "code.structure",
            "code_quality",
            "pass",
            0.8,
            "a package of 5 modules; train and predict share features.py",
            Evidence(
                kind="file",
                path="churn/",
                excerpt="__init__.py\nfeatures.py\nio.py\npredict.py\nserve.py\ntrain.py",
            ),
        ),
        _finding(
            "code.typing",
            "code_quality",
            "partial",
            0.5,
            "11 of 24 functions have type hints",
            Evidence(kind="metric", excerpt="functions with hints", value=0.46),
        ),
        _finding(
            "code.tests",
            "code_quality",
            "pass",
            0.9,
            "7 tests passed (JUnit XML)",
            Evidence(kind="log", path="test", excerpt=TEST_LOG),
        ),
        _finding(
            "code.notebooks", "code_quality", "skipped", None, "no notebooks in the submission"
        ),
        _finding(
            "code.hygiene",
            "code_quality",
            "partial",
            0.6,
            "requirements are not pinned: pandas, scikit-learn, fastapi",
            Evidence(
                kind="file",
                path="requirements.txt",
                lines=(1, 3),
                excerpt="pandas\nscikit-learn\nfastapi",
            ),
        ),
        _finding(
            "code.docstrings",
            "code_quality",
            "pass",
            0.7,
            "most public functions say what they do",
            Evidence(kind="metric", excerpt="functions with docstrings", value=0.71),
        ),
        _finding(
            "deploy.dockerfile",
            "deployment",
            "partial",
            0.5,
            "the image runs as root, and the base image is not pinned to a digest",
            _code("Dockerfile", 1, DOCKERFILE),
        ),
        _finding(
            "deploy.serving",
            "deployment",
            "pass",
            0.85,
            "a FastAPI service with /health and /predict, loading the model once",
            _code(
                "churn/serve.py",
                20,
                SERVE_PY,
            ),
        ),
        _finding(
            "deploy.probe",
            "deployment",
            "partial",
            0.55,
            "malformed rows got a 500 instead of a 4xx; p95 latency 38 ms",
            Evidence(
                kind="log",
                path="serve probe",
                excerpt=PROBE_LOG,
            ),
        ),
        _finding(
            "deploy.validation",
            "deployment",
            "fail",
            0.2,
            "predict does not check the columns or types of its input",
            _code("churn/predict.py", 8, PREDICT_PY),
        ),
        _finding(
            "deploy.artifacts",
            "deployment",
            "pass",
            0.8,
            "the model is saved with joblib beside a metadata.json of library versions",
            Evidence(
                kind="file", path="artifacts/", excerpt="model.joblib  1.2 MB\nmetadata.json  312 B"
            ),
        ),
        _finding(
            "deploy.operations",
            "deployment",
            "partial",
            0.5,
            "the write-up mentions monitoring, but not the 90-day label delay or rollback",
            Evidence(
                kind="text",
                path="README.md",
                lines=(61, 64),
                excerpt="## Deployment\nWe would deploy the model behind an API and monitor it "
                "with Grafana.",
            ),
        ),
        _finding(
            "judgment.validation",
            "data_judgment",
            "pass",
            0.8,
            "5-fold stratified cross-validation, preprocessing fitted inside a Pipeline",
            _code(
                "churn/train.py",
                70,
                VALIDATION_PY,
            ),
        ),
        _finding(
            "comms.structure",
            "communication",
            "pass",
            0.8,
            "approach, results, deployment and limitations are all there",
            Evidence(
                kind="text",
                path="README.md",
                lines=(1, 3),
                excerpt="# Churn model\n\nApproach, assumptions, results, deployment, limitations.",
            ),
        ),
        _finding(
            "comms.length",
            "communication",
            "pass",
            1.0,
            "780 words: about a page and a half",
            Evidence(kind="metric", excerpt="words in README.md", value=780.0),
        ),
        _finding(
            "comms.readability",
            "communication",
            "error",
            None,
            "the check crashed: ZeroDivisionError: division by zero",
            Evidence(kind="traceback", excerpt=TRACEBACK),
        ),
    ]


def _trap_findings(verdict: TrapVerdict) -> list[Finding]:
    if verdict == "handled":
        return [
            _finding(
                "trap.behaviour",
                "data_judgment",
                "pass",
                0.9,
                "balanced accuracy 0.74 on ordinary rows and 0.72 with retention_calls at "
                "its scoring-time value: no gap",
                Evidence(
                    kind="metric",
                    excerpt="slices: balanced_accuracy 0.740 on ordinary, 0.720 on scoring_time: "
                    "gap +0.020 (threshold 0.12: does not lean on it)",
                    value=0.02,
                ),
            ),
            _finding(
                "trap.estimate",
                "data_judgment",
                "pass",
                0.85,
                "expected roc_auc 0.80, measured 0.781 on new customers",
                Evidence(kind="metric", excerpt="estimate - measured", value=0.019),
            ),
            _finding(
                "trap.code",
                "data_judgment",
                "pass",
                1.0,
                "retention_calls is dropped before fitting",
                _code("churn/features.py", 3, FEATURES_PY),
            ),
            _finding(
                "trap.writeup",
                "data_judgment",
                "pass",
                0.9,
                "the write-up names the leak and says why the column was dropped",
                Evidence(
                    kind="text",
                    path="README.md",
                    lines=(24, 25),
                    excerpt="retention_calls is logged by the retention team after a customer "
                    "gives notice, so it leaks the outcome; I dropped it.",
                ),
            ),
            _finding(
                "comms.claims",
                "communication",
                "partial",
                0.6,
                "the write-up claims roc_auc 0.83; we measured 0.781",
                Evidence(
                    kind="text",
                    path="README.md",
                    lines=(40, 40),
                    excerpt="The model reaches an AUC of 0.83 on validation.",
                ),
            ),
        ]
    return [
        _finding(
            "trap.behaviour",
            "data_judgment",
            "fail",
            0.1,
            "balanced accuracy drops from 0.93 to 0.52 when retention_calls has its "
            "scoring-time value",
            Evidence(
                kind="metric",
                excerpt="slices: balanced_accuracy 0.930 on ordinary, 0.520 on scoring_time: "
                "gap +0.410 (threshold 0.12: leans on the trap)",
                value=0.41,
            ),
        ),
        _finding(
            "trap.estimate",
            "data_judgment",
            "fail",
            0.1,
            "expected roc_auc 0.97, measured 0.662 on new customers",
            Evidence(kind="metric", excerpt="estimate - measured", value=0.308),
        ),
        _finding(
            "trap.code",
            "data_judgment",
            "fail",
            0.0,
            "retention_calls is used as a feature",
            _code("churn/features.py", 1, LEAKY_FEATURES_PY),
        ),
        _finding(
            "trap.writeup",
            "data_judgment",
            "fail",
            0.0,
            "the write-up does not mention retention_calls or leakage",
            Evidence(
                kind="text",
                path="README.md",
                lines=(30, 31),
                excerpt="The strongest predictor is retention_calls, which makes sense: customers "
                "who get calls are unhappy.",
            ),
        ),
        _finding(
            "comms.claims",
            "communication",
            "fail",
            0.2,
            "the write-up claims roc_auc 0.97; we measured 0.662",
            Evidence(
                kind="text",
                path="README.md",
                lines=(40, 40),
                excerpt="The model reaches an AUC of 0.97, so it is ready for production.",
            ),
        ),
    ]


def _holdout_finding(verdict: TrapVerdict) -> Finding:
    value = 0.781 if verdict == "handled" else 0.662
    status: FindingStatus = "pass" if verdict == "handled" else "partial"
    return _finding(
        "correctness.holdout",
        "correctness",
        status,
        0.8 if status == "pass" else 0.45,
        f"roc_auc {value} on customers the model never saw",
        Evidence(kind="metric", excerpt="roc_auc on the scoring-time holdout", value=value),
    )


def _criterion(
    cid: str,
    title: str,
    weight: float,
    score: float | None,
    level: str | None,
    automatic: bool = True,
) -> Criterion:
    return Criterion(
        id=cid, title=title, weight=weight, score=score, automatic=automatic, level=level
    )


def _dimensions(verdict: TrapVerdict) -> dict[DimensionName, DimensionScore]:
    handled = verdict == "handled"
    trap_score, estimate_score = (0.95, 0.85) if handled else (0.05, 0.1)
    return {
        "correctness": DimensionScore(
            score=0.88 if handled else 0.67,
            criteria=(
                _criterion(
                    "runs",
                    "Train and predict run under the contract",
                    2,
                    1.0,
                    "strong: both stages finish well inside their limits",
                ),
                _criterion(
                    "holdout",
                    "Quality on customers the model never saw",
                    3,
                    0.8 if handled else 0.45,
                    "adequate: clearly above the trivial baseline"
                    if handled
                    else "weak: near the naive reference",
                ),
            ),
        ),
        "code_quality": DimensionScore(
            score=0.66,
            criteria=(
                _criterion(
                    "structure",
                    "Could a team maintain it",
                    2,
                    0.55,
                    "adequate: readable modules, one long training function",
                ),
                _criterion(
                    "tests",
                    "Tests of the data pipeline and the model's contract",
                    2,
                    0.9,
                    "strong: tests cover cleaning and predictions, and they pass",
                ),
                _criterion(
                    "hygiene",
                    "Lint, pinned requirements, no secrets or absolute paths",
                    1,
                    0.6,
                    "adequate: a handful of findings, loose pins",
                ),
            ),
        ),
        "deployment": DimensionScore(
            score=0.59,
            criteria=(
                _criterion(
                    "serving",
                    "A service that answers and fails well",
                    2,
                    0.7,
                    "adequate: serves valid requests; malformed input gives a 5xx",
                ),
                _criterion(
                    "packaging",
                    "Artefacts, container and input validation",
                    1,
                    0.5,
                    "adequate: some of these, not all",
                ),
                _criterion(
                    "operations",
                    "Monitoring, drift and rollback in the write-up",
                    1,
                    None,
                    None,
                    automatic=False,
                ),
            ),
        ),
        "data_judgment": DimensionScore(
            score=0.9 if handled else 0.07,
            criteria=(
                _criterion(
                    "trap",
                    "Notices that retention_calls is recorded after the outcome, and keeps it out",
                    4,
                    trap_score,
                    "strong: the model does not lean on retention_calls"
                    if handled
                    else "weak: the column is used and the validation score taken at face value",
                ),
                _criterion(
                    "estimate",
                    "An honest estimate of the score on new customers",
                    2,
                    estimate_score,
                    "strong: within a few points"
                    if handled
                    else "weak: far beyond what the holdout shows",
                ),
                _criterion("cleaning", "The ordinary mess handled", 1, None, None, automatic=False),
            ),
        ),
        "communication": DimensionScore(
            score=0.7 if handled else None,
            criteria=(
                _criterion(
                    "writeup",
                    "A write-up a product manager can read",
                    2,
                    None,
                    None,
                    automatic=False,
                ),
                _criterion(
                    "claims",
                    "Claims match what was measured",
                    1,
                    0.7 if handled else None,
                    "adequate: close, with the difference explained" if handled else None,
                ),
            ),
        ),
    }


def _stages() -> dict[str, StageResult]:
    return {
        "install": StageResult(
            verdict="ok",
            exit_code=0,
            duration_s=14.2,
            peak_memory_mb=182.0,
            log_head="Successfully installed fastapi-0.110.0\n",
        ),
        "train": StageResult(
            verdict="ok",
            exit_code=0,
            duration_s=8.9,
            peak_memory_mb=412.5,
            log_head=TRAIN_LOG,
            log_tail="saved /artifacts/model.joblib\n",
        ),
        "predict": StageResult(
            verdict="ok",
            exit_code=0,
            duration_s=2.1,
            peak_memory_mb=230.0,
            log_head="wrote 600 predictions to /output/predictions.csv\n",
        ),
        "test": StageResult(
            verdict="ok", exit_code=0, duration_s=3.4, peak_memory_mb=198.0, log_head=TEST_LOG
        ),
        "serve": StageResult(
            verdict="ok",
            exit_code=0,
            duration_s=31.0,
            peak_memory_mb=260.0,
            log_head="INFO:     Uvicorn running on http://127.0.0.1:8000\n",
        ),
    }


def _metrics(verdict: TrapVerdict) -> Metrics:
    handled = verdict == "handled"
    estimate = (
        Estimate(
            metric="roc_auc", value=0.80, method="5-fold stratified CV, retention_calls dropped"
        )
        if handled
        else Estimate(metric="roc_auc", value=0.97, method="5-fold CV")
    )
    return Metrics(
        metric="roc_auc",
        holdout=0.781 if handled else 0.662,
        baseline=0.5,
        references={"careful": 0.792, "naive": 0.655},
        slices={"ordinary": 0.74, "scoring_time": 0.72}
        if handled
        else {"ordinary": 0.93, "scoring_time": 0.52},
        estimate=estimate,
    )


def _trap(verdict: TrapVerdict) -> TrapAssessment:
    summaries = {
        "handled": "Handled: the model does not lean on retention_calls (no gap between the "
        "ordinary and scoring-time slices) and its estimate is within two points of the truth.",
        "missed": "Missed: the model leans on retention_calls, which is recorded after the "
        "outcome; its score collapses when the column has its scoring-time value.",
    }
    summary = summaries.get(verdict, "")
    evidence = (
        Evidence(
            kind="metric",
            excerpt="balanced accuracy, scoring_time slice",
            value=0.72 if verdict == "handled" else 0.52,
        ),
    )
    return TrapAssessment(
        verdict=verdict,
        title="A column recorded after the outcome",
        summary=summary,
        evidence=evidence,
    )


def _provenance() -> Provenance:
    limits = {
        "train": StageLimits(timeout_s=600, memory_mb=2048, cpus=1, pids=256),
        "predict": StageLimits(timeout_s=180, memory_mb=1024, cpus=1, pids=256),
        "test": StageLimits(timeout_s=300, memory_mb=2048, cpus=1, pids=256),
        "serve": StageLimits(timeout_s=180, memory_mb=1024, cpus=1, pids=256),
    }
    return Provenance(
        harness_version=__version__,
        created=GRADED,
        backend="docker",
        image_id="sha256:" + _id("runtime-image"),
        limits=limits,
        data_hashes={"train.csv": _id("train.csv"), "holdout_features.csv": _id("holdout")},
        seeds={"generator": 4101, "PYTHONHASHSEED": 0},
    )


def _facts(verdict: TrapVerdict) -> dict[str, bool]:
    """What the harness saw: the same code base either way; only the model's lean differs."""
    leaning = verdict in ("missed", "noticed_not_handled")
    seen = ("ran", "predictions", "holdout_measured", "beats_baseline", "estimate",
            "dockerfile", "serve_declared", "service_started", "service_answered", "tests",
            "writeup", "saves_model")  # fmt: skip
    return {
        **{name: False for name in FACTS},
        **{name: True for name in seen},
        "leans_in_behaviour": leaning,
        "optimistic_estimate": verdict == "missed",
    }


def sample_result(verdict: TrapVerdict = "handled", with_followup: bool = True) -> Result:
    """A graded customer-churn submission whose trap verdict is `verdict`."""
    findings = [*_common_findings(), _holdout_finding(verdict), *_trap_findings(verdict)]
    result = Result(
        submission=SubmissionInfo(
            id=_id(f"sample-{verdict}"),
            file=f"ada-{verdict}.zip",
            size_bytes=48_213,
            files=23,
            candidate="Ada Lovelace",
        ),
        challenge=ChallengeRef(id="customer-churn", version="1"),
        provenance=_provenance(),
        stages=_stages(),
        findings=tuple(findings),
        dimensions=_dimensions(verdict),
        trap=_trap(verdict),
        metrics=_metrics(verdict),
        facts=_facts(verdict),
    )
    if not with_followup:
        return result
    return result.model_copy(update={"followup": build_followup(result, CHALLENGE)})


HOSTILE = "<script>alert(1)</script><b>bold</b>"


def hostile_result() -> Result:
    """A submission whose name, messages, code, logs and file names carry HTML and script."""
    base = sample_result("missed", with_followup=False)
    evil = Evidence(
        kind="code",
        path=f"{HOSTILE}.py",
        lines=(1, 2),
        excerpt=f"# {HOSTILE}\nprint('</pre><script>alert(2)</script>')\n",
    )
    finding = _finding("code.lint", "code_quality", "fail", 0.1, f"lint says {HOSTILE}", evil)
    stages = {
        **base.stages,
        "train": StageResult(
            verdict="failed",
            exit_code=1,
            reason=HOSTILE,
            log_head=f"<img src=x onerror=alert(3)>{HOSTILE}",
        ),
    }
    result = base.model_copy(
        update={
            "submission": base.submission.model_copy(
                update={"candidate": HOSTILE, "file": f"{HOSTILE}.zip"}
            ),
            "findings": (finding, *base.findings),
            "stages": stages,
            "metrics": base.metrics.model_copy(
                update={"estimate": Estimate(metric="roc_auc", value=0.9, method=HOSTILE)}
            ),
        }
    )
    return result.model_copy(update={"followup": build_followup(result, CHALLENGE)})
