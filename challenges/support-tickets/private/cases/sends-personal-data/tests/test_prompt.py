from hearth_triage.prompt import LIMIT, ticket_prompt


def test_prompt_drops_html_and_thread():
    body = "The camera&nbsp;is offline<br>\nOn Mon, 3 Mar 2025 Hearth Support wrote:\n> Hello"
    assert ticket_prompt("Camera", body) == "Subject: Camera\nThe camera is offline"


def test_prompt_is_bounded():
    assert len(ticket_prompt("x", "y" * 5000)) == LIMIT


def test_missing_subject():
    assert ticket_prompt(None, "hello").startswith("Subject: \nhello")
