import pandas as pd

from app import create_app
from rules import build_classifier, normalise, route, rule_queue, rule_urgency


def tiny_models():
    texts = ["my invoice is wrong", "charged twice on my card", "the camera is offline",
             "hub will not connect", "where is my parcel", "tracking shows nothing"] * 3
    queues = [1, 1, 2, 2, 4, 4] * 3
    urgency = ["normal", "high", "normal", "high", "low", "normal"] * 3
    return {"queue": build_classifier().fit(texts, queues), "urgency": build_classifier().fit(texts, urgency)}


def test_normalise_drops_html_and_quotes():
    assert normalise("Hi", "Camera<br>offline\nOn Monday Hearth wrote:\n> old") == "hi camera offline"


def test_system_notices_use_rules():
    assert rule_queue("this is an automated message from hearth monitor") == 2
    assert rule_queue("my parcel is late") is None


def test_urgency_rules():
    assert rule_urgency("urgent, locked out", "B2B") == "urgent"
    assert rule_urgency("no rush", "free") == "low"


def test_route_frame():
    frame = pd.DataFrame({"subject": ["Bill"], "body": ["I was charged twice on my invoice"],
                          "customer_tier": ["free"]})
    assert route(tiny_models(), frame)[0][0] == 1


def test_service_rejects_bad_input_and_routes_good():
    client = create_app(tiny_models()).test_client()
    assert client.post("/predict", data="{nope", content_type="application/json").status_code == 400
    assert client.post("/predict", json=[{"x": 1}]).status_code == 400
    answer = client.post("/predict", json=[{"ticket_id": "a", "body": "where is my parcel"}])
    assert answer.status_code == 200 and answer.get_json()[0]["prediction"] == 4
