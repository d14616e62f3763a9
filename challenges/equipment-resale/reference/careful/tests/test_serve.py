"""HTTP service tests with FastAPI's in-process test client."""

from __future__ import annotations

from collections.abc import Iterator

import pandas as pd
import pytest
from fastapi.testclient import TestClient

from resale import train
from resale.serve import create_app


@pytest.fixture(scope="module")
def client(
    tmp_path_factory: pytest.TempPathFactory, listings: pd.DataFrame
) -> Iterator[TestClient]:
    """A client for an app serving a model trained on synthetic data."""
    folder = tmp_path_factory.mktemp("model")
    model, metadata = train.train(listings, n_splits=2)
    train.save_artifacts(model, folder, metadata)
    with TestClient(create_app(folder)) as test_client:
        yield test_client


def records(frame: pd.DataFrame) -> list[dict[str, object]]:
    """Rows as JSON objects, NaN as null (what a client sends)."""
    return frame.astype(object).where(frame.notna(), None).to_dict(orient="records")


def test_health(client: TestClient) -> None:
    response = client.get("/health")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}


def test_predict_returns_one_price_per_listing(
    client: TestClient, scoring_frame: pd.DataFrame
) -> None:
    body = records(scoring_frame.head(5))
    response = client.post("/predict", json=body)
    assert response.status_code == 200
    result = response.json()
    assert [r["listing_id"] for r in result] == [r["listing_id"] for r in body]
    assert all(isinstance(r["prediction"], float) and r["prediction"] >= 0 for r in result)


def test_predict_empty_list(client: TestClient) -> None:
    response = client.post("/predict", json=[])
    assert response.status_code == 200 and response.json() == []


def test_service_matches_batch_prediction(client: TestClient, scoring_frame: pd.DataFrame) -> None:
    from resale.predict import predict_frame

    batch = predict_frame(client.app.state.model, scoring_frame.head(5))  # type: ignore[attr-defined]
    served = client.post("/predict", json=records(scoring_frame.head(5))).json()
    assert [r["prediction"] for r in served] == batch["prediction"].tolist()


@pytest.mark.parametrize(
    "payload",
    [
        {"listing_id": "x"},  # not a list
        [{"listing_id": "x", "source": "auction"}],  # feature keys missing
        [
            {
                "listing_id": "x",
                "source": "auction",
                "category": "lab",
                "brand_tier": None,
                "condition": "good",
                "age_months": 12,
                "hours_used": None,
                "original_price": "a lot",
                "seller_rating": 4.5,
            }
        ],  # price not a number
        [
            {
                "listing_id": "x",
                "source": "auction",
                "category": "lab",
                "brand_tier": None,
                "condition": "good",
                "age_months": 12,
                "hours_used": None,
                "original_price": -10,
                "seller_rating": 4.5,
            }
        ],  # negative price
    ],
)
def test_predict_rejects_malformed_body(client: TestClient, payload: object) -> None:
    assert client.post("/predict", json=payload).status_code == 422


def test_predict_rejects_non_json(client: TestClient) -> None:
    response = client.post(
        "/predict", content=b"not json", headers={"content-type": "application/json"}
    )
    assert response.status_code == 422
