"""Every ticket is routed whatever the model API does."""

from __future__ import annotations

from collections.abc import Callable

import pandas as pd

from router.llm import ApiSettings, ModelClient
from router.model import Router
from router.route import route_frame
from tests.conftest import OK_BODY, FakeApi, Script


def unsure(router: Router) -> Router:
    """The same router, asking the model API about every ticket."""
    return Router(router.queue_model, router.urgency_model, confident=1.01)


def test_without_an_api_the_classifier_routes_everything(
    router: Router, tickets: pd.DataFrame
) -> None:
    routed = route_frame(unsure(router), tickets, None)
    assert len(routed) == len(tickets) and routed["prediction"].between(1, 6).all()
    assert (routed["prediction"].to_numpy() == tickets["queue"].to_numpy()).mean() > 0.9


def test_an_api_that_is_down_changes_nothing_but_the_source(
    router: Router, tickets: pd.DataFrame
) -> None:
    client = ModelClient(ApiSettings("http://127.0.0.1:9/v1", "k", timeout_s=0.2,
                                     min_interval_s=0.0, max_attempts=1))  # fmt: skip
    routed = route_frame(unsure(router), tickets, client)
    offline = route_frame(unsure(router), tickets, None)
    assert routed["prediction"].tolist() == offline["prediction"].tolist()
    assert set(routed["source"]) == {"classifier (model API unavailable)"}


def test_only_redacted_text_reaches_the_api(
    router: Router, tickets: pd.DataFrame, fake_api: Callable[[Script], FakeApi]
) -> None:
    api = fake_api(lambda n, body: (200, {}, OK_BODY, 0.0))
    frame = tickets.head(2).assign(
        body="My card 4539 1488 0343 6467 was charged twice. "
        "Mail me at ana.silva@gmail.com or +44 7700 900123."
    )
    client = ModelClient(ApiSettings(api.base_url, "k", min_interval_s=0.0))
    routed = route_frame(unsure(router), frame, client)
    sent = " ".join(str(body) for _, body in api.requests)
    assert api.requests and "4539" not in sent and "gmail" not in sent and "7700" not in sent
    assert routed["source"].tolist() == ["route-mini", "route-mini"]
