import pandas as pd

import ticket_routing as tr


def test_scrub_removes_contact_details():
    text = "call 07700 900111 or +49 30 9483 197, card 4539-8978-8612-1517, x.y@orange.fr"
    cleaned = tr.scrub(text)
    assert "900111" not in cleaned and "9483" not in cleaned
    assert "8612" not in cleaned and "orange" not in cleaned


def test_ticket_text_drops_html_and_signature():
    text = tr.ticket_text("Hub offline", "The hub<br>is offline.\n\nThanks,\nAna Silva")
    assert text == "Hub offline The hub is offline."


def test_read_answer_refuses_cut_answers():
    body = {"choices": [{"finish_reason": "length", "message": {"content": '{"que'}}]}
    try:
        tr.read_answer(body)
    except ValueError:
        return
    raise AssertionError("a cut answer was accepted")


def test_route_without_api_uses_local_model():
    df = pd.DataFrame({"subject": ["Refund", "Login"] * 5,
                       "body": ["I want a refund for my return", "I cannot log in to my account"] * 5,
                       "queue": [5, 3] * 5, "urgency": ["low", "high"] * 5})
    local = tr.fit_local(df)
    tr.API = ""
    rows = tr.route(local, [{"ticket_id": "a", "subject": "", "body": "cannot log in to my account"}])
    assert rows == [{"ticket_id": "a", "prediction": 3, "urgency": "high"}]
