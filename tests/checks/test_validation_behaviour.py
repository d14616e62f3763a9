"""deploy.validation: behaviour outweighs code shape; explicit refusals in code recognised."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

import pytest

from harness.checks.registry import REGISTRY
from harness.models import Finding
from harness.sandbox.serve import ProbeReport
from tests.checks.cases import GOOD_PROBE, write_submission
from tests.checks.contexts import make_context

FLASK = """\
from flask import Flask, jsonify, request

app = Flask(__name__)


@app.post("/predict")
def predict():
    body = request.get_json(silent=True)
    if body is None:
        return jsonify(error="send JSON"), 400
    rows = body if isinstance(body, list) else [body]
    for row in rows:
        if "tenure" not in row:
            return jsonify(error="tenure is required"), 400
    return jsonify(predictions=[0.5 for _ in rows])
"""
OPAQUE = """\
import json


def handle(raw):
    try:
        rows = json.loads(raw)
        return 200, [score(r) for r in rows]
    except Exception as error:
        return 422, str(error)


def score(row):
    return float(row["tenure"]) * 0.01
"""


def probe(statuses: Mapping[str, int | None]) -> ProbeReport:
    report: dict[str, Any] = {
        **GOOD_PROBE,
        "malformed": {name: {"status": status} for name, status in statuses.items()},
    }
    return ProbeReport(1.5, report)


def run(root: Path, files: dict[str, str], **overrides: Any) -> Finding:
    write_submission(root, files)
    return REGISTRY["deploy.validation"].run(make_context(root, **overrides))


ALL_4XX = {"not_json": 400, "empty_object": 400, "wrong_types": 400, "missing_fields": 400}


def test_a_flask_service_returning_explicit_400s_passes(tmp_path: Path) -> None:
    found = run(tmp_path, {"app.py": FLASK}, probe=probe(ALL_4XX))
    assert found.status == "pass" and found.score == 1.0, found.message
    assert "refused every malformed request" in found.message
    excerpts = [e.excerpt or "" for e in found.evidence]
    assert any("not_json 400" in text for text in excerpts)
    assert any('return jsonify(error="send JSON"), 400' in text for text in excerpts)


def test_behaviour_passes_whatever_the_code_looks_like(tmp_path: Path) -> None:
    found = run(tmp_path, {"handler.py": OPAQUE}, probe=probe(ALL_4XX))
    assert found.status == "pass" and found.score == 0.9, found.message


def test_without_a_probe_the_explicit_400s_in_code_count(tmp_path: Path) -> None:
    found = run(tmp_path, {"app.py": FLASK})
    assert found.score == 0.7 and "explicit checks that raise or answer 4xx" in found.message


@pytest.mark.parametrize(
    "code",
    [
        "from flask import abort\n\ndef f(row):\n    if not row:\n        abort(400)\n",
        "from fastapi import HTTPException\n\n"
        "def f(row):\n    raise HTTPException(status_code=422, detail='bad row')\n",
        "from werkzeug.exceptions import BadRequest\n\ndef f(row):\n    raise BadRequest('x')\n",
        "def f(row):\n    if not isinstance(row['tenure'], (int, float)):\n"
        "        raise TypeError('tenure must be a number')\n",
        "from fastapi import status\nfrom fastapi.responses import JSONResponse\n\n"
        "def f():\n    return JSONResponse({}, status_code=status.HTTP_422_UNPROCESSABLE_ENTITY)\n",
    ],
    ids=["abort", "HTTPException", "BadRequest", "isinstance", "JSONResponse"],
)
def test_explicit_refusals_are_recognised_in_code(code: str, tmp_path: Path) -> None:
    found = run(tmp_path, {"serve.py": code})
    assert found.score == 0.7, found.message


def test_a_200_or_a_500_is_not_a_refusal(tmp_path: Path) -> None:
    code = "def f():\n    return {'ok': True}, 200\n\ndef g():\n    return 'boom', 500\n"
    assert run(tmp_path, {"serve.py": code}).score == 0.0


def test_some_malformed_requests_refused_is_a_share(tmp_path: Path) -> None:
    statuses = {"not_json": 400, "empty_object": 500, "wrong_types": 500, "missing_fields": 400}
    found = run(tmp_path, {"handler.py": OPAQUE}, probe=probe(statuses))
    assert found.score == 0.35 and "2 of 4 malformed requests refused" in found.message


def test_a_service_that_crashes_on_every_bad_request_has_no_validation(tmp_path: Path) -> None:
    statuses = dict.fromkeys(ALL_4XX, 500)
    found = run(tmp_path, {"handler.py": "def f(r):\n    return r\n"}, probe=probe(statuses))
    assert found.status == "fail" and found.score == 0.0
    assert "accepted or crashed on every malformed request" in found.message
