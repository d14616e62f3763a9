"""The portfolio review's result.json: its committed JSON Schema, and real results against it.

The take-home result's schema (`harness/schema/result.schema.json`) is untouched: its own
tests in tests/test_models.py still hold it; a portfolio result is told apart by its `kind`.
"""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema
import pytest
from pydantic import ValidationError

from harness.models import Result
from harness.portfolio.model import PortfolioResult, is_portfolio_json, portfolio_schema_text
from harness.portfolio.review import ReviewOptions, review_repository
from tests.portfolio import gitrepos

SCHEMAS = Path(__file__).resolve().parents[2] / "harness" / "schema"


def test_the_committed_schema_is_the_model_s() -> None:
    committed = (SCHEMAS / "portfolio.schema.json").read_text(encoding="utf-8")
    assert committed == portfolio_schema_text(), (
        "regenerate: .venv/bin/python -m harness.portfolio.schema > "
        "harness/schema/portfolio.schema.json"
    )


def test_a_review_validates_and_round_trips(tmp_path: Path) -> None:
    repo = gitrepos.single_commit_dump(tmp_path / "dump")
    reviewed = review_repository(str(repo.root), ReviewOptions(out=tmp_path, run_tests=False),
                                 lambda _line: None)  # fmt: skip
    data = json.loads(reviewed.result_file.read_text(encoding="utf-8"))
    schema = json.loads((SCHEMAS / "portfolio.schema.json").read_text(encoding="utf-8"))
    jsonschema.validate(data, schema)
    assert data["kind"] == "portfolio" and is_portfolio_json(data)
    assert PortfolioResult.from_json(reviewed.result_file.read_bytes()) == reviewed.result
    with pytest.raises(ValidationError):  # a take-home reader refuses it, and says why
        Result.from_json(reviewed.result_file.read_bytes())
    broken = dict(data, kind="take-home")
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(broken, schema)
