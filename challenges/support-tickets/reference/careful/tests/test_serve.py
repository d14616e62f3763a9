"""The service answers fast and never with a 500, even when the model API stalls."""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path

import joblib
import pandas as pd
import pytest
from fastapi.testclient import TestClient

from router.model import Router
from router.serve import create_app
from router.train import MODEL_FILE
from tests.conftest import OK_BODY, FakeApi, Script


@pytest.fixture
def model_dir(router: Router, tmp_path: Path) -> Path:
    joblib.dump(Router(router.queue_model, router.urgency_model, confident=1.01),
                tmp_path / MODEL_FILE)  # fmt: skip
    return tmp_path


def records(tickets: pd.DataFrame, count: int = 5) -> list[dict[str, object]]:
    columns = ["ticket_id", "subject", "body", "channel", "customer_tier", "product"]
    return tickets[columns].head(count).to_dict(orient="records")


def test_health_and_routes(model_dir: Path, tickets: pd.DataFrame,
                           monkeypatch: pytest.MonkeyPatch) -> None:  # fmt: skip
    monkeypatch.delenv("GRADE_MODEL_API_BASE_URL", raising=False)
    monkeypatch.delenv("OPENAI_BASE_URL", raising=False)
    client = TestClient(create_app(model_dir))
    assert client.get("/health").json() == {"status": "ok"}
    answer = client.post("/predict", json=records(tickets))
    assert answer.status_code == 200
    assert [row["ticket_id"] for row in answer.json()] == tickets["ticket_id"].head(5).tolist()
    assert all(1 <= row["prediction"] <= 6 for row in answer.json())


@pytest.mark.parametrize("payload", [{"tickets": []}, [{"subject": "no id"}], [1, 2], "text"])
def test_malformed_requests_get_a_422(model_dir: Path, payload: object) -> None:
    client = TestClient(create_app(model_dir))
    assert client.post("/predict", json=payload).status_code == 422


def test_a_stalling_api_costs_at_most_the_deadline(
    model_dir: Path, tickets: pd.DataFrame, fake_api: Callable[[Script], FakeApi],
    monkeypatch: pytest.MonkeyPatch,
) -> None:  # fmt: skip
    api = fake_api(lambda n, body: (200, {}, OK_BODY, 10.0))
    monkeypatch.setenv("GRADE_MODEL_API_BASE_URL", api.base_url)
    monkeypatch.setenv("GRADE_MODEL_API_KEY", "k")
    client = TestClient(create_app(model_dir))
    started = time.monotonic()
    answer = client.post("/predict", json=records(tickets))
    assert answer.status_code == 200 and len(answer.json()) == 5
    assert time.monotonic() - started < 4.0
