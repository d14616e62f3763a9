from llm import ticket_prompt


def test_prompt_has_subject_and_body():
    prompt = ticket_prompt({"subject": "Invoice wrong", "body": "I was billed twice"})
    assert "Invoice wrong" in prompt
    assert "I was billed twice" in prompt
