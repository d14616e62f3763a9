"""Route many tickets at once: the API where it answers, the fallback where it does not."""

from __future__ import annotations

import asyncio
import logging
from collections import Counter
from collections.abc import Mapping, Sequence
from typing import Any

from hearth_triage import QUEUES
from hearth_triage.client import TriageClient
from hearth_triage.fallback import Fallback
from hearth_triage.prompt import ticket_prompt

log = logging.getLogger(__name__)


async def route_ticket(ticket: Mapping[str, Any], fallback: Fallback, client: TriageClient | None,
                       deadline_s: float | None = None) -> dict[str, Any]:
    prompt = ticket_prompt(ticket.get("subject"), ticket.get("body"))
    queue, urgency = fallback.route(prompt)
    source = "fallback"
    if client is not None:
        try:
            verdict = await asyncio.wait_for(client.classify(prompt), deadline_s)
        except asyncio.TimeoutError:
            verdict = None
        if verdict is not None:
            queue, urgency, source = QUEUES.index(verdict.queue) + 1, verdict.urgency or urgency, verdict.model
    return {"ticket_id": ticket.get("ticket_id"), "prediction": queue, "urgency": urgency, "source": source}


async def route_all(tickets: Sequence[Mapping[str, Any]], fallback: Fallback,
                    client: TriageClient | None) -> list[dict[str, Any]]:
    rows = await asyncio.gather(*(route_ticket(t, fallback, client) for t in tickets))
    log.info("routed %d tickets: %s", len(rows), dict(Counter(r["source"] for r in rows)))
    if client is not None:
        log.info("client: %s, tokens %s", dict(client.stats), dict(client.tokens))
    return list(rows)
