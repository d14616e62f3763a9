from types import SimpleNamespace

from llm_route import LlmRouter, read
from routing import route_tickets


def reply(content, finish="stop"):
    return SimpleNamespace(choices=[SimpleNamespace(finish_reason=finish, message=SimpleNamespace(content=content))])


class FakeClient:
    def __init__(self, replies):
        self.replies, self.sent = list(replies), []
        self.chat = SimpleNamespace(completions=self)

    def create(self, **kwargs):
        self.sent.append(kwargs["messages"][-1]["content"])
        item = self.replies.pop(0)
        if isinstance(item, Exception):
            raise item
        return item


class FakeLocal:
    def predict(self, texts):
        return [2] * len(texts), ["normal"] * len(texts)


def test_read_refuses_cut_answers():
    assert read(reply('{"queue": "bil', "length")) is None
    assert read(reply('{"queue": "Sales", "urgency": "low"}')) == (6, "low")


def test_unusable_answer_is_asked_again():
    client = FakeClient([ValueError("broken body"), reply('{"queue": "returns"}')])
    assert LlmRouter(client, sleep=lambda s: None).ask("swap my doorbell") == (5, None)


def test_tickets_with_contact_details_never_reach_the_client():
    client = FakeClient([reply('{"queue": "billing", "urgency": "high"}')])
    tickets = [{"ticket_id": "a", "subject": "Card declined", "body": "my card 4916 9848 7004 0722 failed"},
               {"ticket_id": "b", "subject": "Charged twice", "body": "two charges this month"}]
    rows, sources = route_tickets(tickets, FakeLocal(), LlmRouter(client))
    assert [r["prediction"] for r in rows] == [2, 1]
    assert len(client.sent) == 1 and "4916" not in client.sent[0]
    assert sources["local (contact details)"] == 1
