"""HTTP service tests with FastAPI's in-process test client."""

from __future__ import annotations

from collections.abc import Iterator

import pandas as pd
import pytest
from fastapi.testclient import TestClient

from pumps import train
from pumps.serve import create_app
from tests.conftest import as_records


@pytest.fixture(scope="module")
def client(
    tmp_path_factory: pytest.TempPathFactory, pump_frame: pd.DataFrame
) -> Iterator[TestClient]:
    """A client for an app serving a model trained on synthetic data."""
    tmp_path = tmp_path_factory.mktemp("served")
    pipeline, metadata = train.train(pump_frame, n_splits=2, repeats=1)
    train.save_artifacts(pipeline, tmp_path, metadata)
    with TestClient(create_app(tmp_path)) as test_client:
        yield test_client


def test_health(client: TestClient) -> None:
    response = client.get("/health")
    assert response.status_code == 200
    assert response.json()["status"] == "ok"


def test_predict_returns_one_prediction_per_reading(
    client: TestClient, scoring_frame: pd.DataFrame
) -> None:
    records = as_records(scoring_frame.head(5))
    records[0]["runtime_hours"] = "12,345"  # as the export writes it
    records[1]["bearing_temp_c"] = None
    response = client.post("/predict", json=records)
    assert response.status_code == 200
    body = response.json()
    assert [p["reading_id"] for p in body] == [r["reading_id"] for r in records]
    assert all(0.0 <= p["probability"] <= 1.0 and p["prediction"] in (0, 1) for p in body)


def test_empty_array_gives_no_predictions(client: TestClient) -> None:
    assert client.post("/predict", json=[]).json() == []


@pytest.mark.parametrize(
    "change",
    [
        lambda r: r,  # replaced below by a bare object, not an array
        lambda r: [{k: v for k, v in r.items() if k != "vibration_mm_s"}],  # a key missing
        lambda r: [{**r, "vibration_mm_s": "loud"}],  # text where a number belongs
        lambda r: [{**r, "motor_kw": [1, 2]}],  # not a scalar
        lambda r: [{**r, "reading_id": None}],  # no id
    ],
)
def test_predict_rejects_malformed_bodies(
    client: TestClient, scoring_frame: pd.DataFrame, change: object
) -> None:
    record = as_records(scoring_frame.head(1))[0]
    payload = change(record)  # type: ignore[operator]
    assert client.post("/predict", json=payload).status_code == 422


def test_predict_rejects_a_body_that_is_not_json(client: TestClient) -> None:
    response = client.post(
        "/predict", content=b"reading_id,model\n1,AX", headers={"content-type": "application/json"}
    )
    assert response.status_code == 422
