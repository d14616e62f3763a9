import numpy as np
import pandas as pd
import pytest

from src import model
from src.service import create_app


@pytest.fixture
def client(tmp_path):
    rng = np.random.default_rng(3)
    n = 120
    frame = pd.DataFrame({
        "customer_id": [f"c{i}" for i in range(n)],
        "tenure_months": rng.integers(1, 72, n),
        "monthly_charges": rng.normal(70, 15, n),
        "contract": rng.choice(["M2M", "One year", "two year"], n),
        "payment_method": rng.choice(["CARD", "e-check"], n),
        "support_tickets": rng.poisson(1, n),
        "region": rng.choice(["North", "South"], n),
        "senior": rng.integers(0, 2, n),
        "churned": rng.integers(0, 2, n),
    })
    (tmp_path / "data").mkdir()
    frame.to_csv(tmp_path / "data" / "train.csv", index=False)
    model.train(tmp_path / "data", tmp_path / "out")
    return create_app(tmp_path / "out").test_client()


ROW = {"customer_id": "a", "tenure_months": 5, "monthly_charges": 80.0, "contract": "M2M",
       "payment_method": "CARD", "support_tickets": 2, "region": "North", "senior": 0}


def test_scores_a_valid_row(client):
    response = client.post("/score", json=[ROW])
    assert response.status_code == 200
    assert 0 <= response.get_json()[0]["probability"] <= 1


@pytest.mark.parametrize("body", [{"a": 1}, [], [{"customer_id": "a"}],
                                  [ROW | {"tenure_months": "lots"}]])
def test_bad_bodies_get_400(client, body):
    response = client.post("/score", json=body)
    assert response.status_code == 400
    assert "error" in response.get_json()
