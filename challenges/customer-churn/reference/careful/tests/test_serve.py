"""HTTP service tests using FastAPI's in-process test client."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pandas as pd
import pytest
from fastapi.testclient import TestClient

from churn import train
from churn.serve import create_app


@pytest.fixture
def client(tmp_path: Path, churn_frame: pd.DataFrame) -> Iterator[TestClient]:
    """A client for an app serving a model trained on synthetic data."""
    pipeline, metadata = train.train(churn_frame, n_splits=2)
    train.save_artifacts(pipeline, tmp_path, metadata)
    with TestClient(create_app(tmp_path)) as test_client:
        yield test_client


def test_health(client: TestClient) -> None:
    response = client.get("/health")
    assert response.status_code == 200
    assert response.json()["status"] == "ok"


def test_predict_returns_one_prediction_per_record(
    client: TestClient, scoring_frame: pd.DataFrame
) -> None:
    records = scoring_frame.head(5).astype(object).where(scoring_frame.head(5).notna(), None)
    response = client.post("/predict", json=records.to_dict(orient="records"))
    assert response.status_code == 200
    body = response.json()
    assert [p["customer_id"] for p in body] == records["customer_id"].tolist()
    assert all(0.0 <= p["probability"] <= 1.0 and p["prediction"] in (0, 1) for p in body)


@pytest.mark.parametrize(
    "payload",
    [
        {"customer_id": 1},  # not a list
        [{"customer_id": 1, "tenure_months": 3}],  # missing feature keys
        [
            {
                "customer_id": 1,
                "tenure_months": 10,
                "monthly_charges": "lots",
                "contract": "x",
                "payment_method": "y",
                "support_tickets": 0,
                "region": "z",
                "senior": 0,
            }
        ],
    ],
)
def test_predict_rejects_malformed_body(client: TestClient, payload: object) -> None:
    assert client.post("/predict", json=payload).status_code == 422
