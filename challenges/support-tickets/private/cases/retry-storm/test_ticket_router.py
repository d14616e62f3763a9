import pandas as pd
import pytest

import ticket_router as tr


def test_redact_removes_contact_details():
    text = "Card 4539 8978 8612 1517, call +44 7700 900844 or mail jo.walsh@example.com"
    out = tr.redact(text)
    assert "4539" not in out and "7700" not in out and "@" not in out


def test_redact_keeps_short_numbers():
    assert tr.redact("charged twice, 16.99 on order 4412") == "charged twice, 16.99 on order 4412"


def test_parse_answer():
    assert tr.parse_answer('{"queue": "Shipping", "urgency": "high"}') == (4, "high")
    with pytest.raises(ValueError):
        tr.parse_answer('{"queue": "marketing"}')


def test_route_falls_back_without_api(tmp_path):
    rows = [("Invoice wrong", "I was charged twice on my invoice", 1, "normal"),
            ("Camera offline", "The camera is offline and will not connect", 2, "high")] * 6
    frame = pd.DataFrame(rows, columns=["subject", "body", "queue", "urgency"])
    frame["body"] = [f"{b} {i}" for i, b in enumerate(frame["body"])]
    frame.to_csv(tmp_path / "train.csv", index=False)
    tr.train(tmp_path, tmp_path / "model")
    models = tr.joblib.load(tmp_path / "model" / "models.joblib")
    api = tr.ModelApi()
    api.url = ""
    out = tr.route(models, api, [{"ticket_id": "t1", "subject": "Invoice",
                                  "body": "charged twice on my invoice"}])
    assert out[0]["prediction"] == 1
