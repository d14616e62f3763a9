from types import SimpleNamespace

import openai
import pytest

from queue_router import llm as llm_module
from queue_router.llm import Llm, UnusableAnswer, parse


def completion(content, finish="stop"):
    message = SimpleNamespace(content=content)
    return SimpleNamespace(choices=[SimpleNamespace(message=message, finish_reason=finish)])


class FakeCompletions:
    def __init__(self, answers):
        self.answers = list(answers)
        self.models = []

    def create(self, model, **_):
        self.models.append(model)
        answer = self.answers.pop(0)
        if isinstance(answer, Exception):
            raise answer
        return answer


def fake_client(answers):
    completions = FakeCompletions(answers)
    return SimpleNamespace(chat=SimpleNamespace(completions=completions)), completions


@pytest.fixture(autouse=True)
def no_sleep(monkeypatch):
    monkeypatch.setattr(Llm._complete.retry, "sleep", lambda _: None)
    yield


def test_parse_refuses_cut_answers():
    with pytest.raises(UnusableAnswer):
        parse('{"queue": "bil', "length")


def test_retries_an_unusable_answer_then_succeeds():
    client, calls = fake_client([completion("not json"), completion('{"queue": "sales", "urgency": "low"}')])
    assert Llm(client).ask("quote for 40 thermostats") == ("sales", "low")
    assert len(calls.models) == 2


def test_gone_model_moves_to_the_next_one():
    request = SimpleNamespace(method="POST", url="http://x")
    gone = openai.NotFoundError("gone", response=SimpleNamespace(status_code=404, headers={}, request=request), body=None)
    client, calls = fake_client([gone, completion('{"queue": "billing", "urgency": "high"}')])
    assert Llm(client).ask("charged twice") == ("billing", "high")
    assert calls.models == ["route-mini", "route-standard"]


def test_no_client_means_no_answer(monkeypatch):
    monkeypatch.delenv("OPENAI_BASE_URL", raising=False)
    assert llm_module.Llm(client=None).ask("anything") is None
