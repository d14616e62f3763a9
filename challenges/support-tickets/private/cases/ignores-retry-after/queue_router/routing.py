"""One ticket in, a queue number and an urgency out; the local model whenever the API fails."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from queue_router import queue_number
from queue_router.llm import Llm
from queue_router.local_model import LocalModel
from queue_router.text import customer_text, mask_contact_details


def route_one(ticket: Mapping[str, Any], local: LocalModel, llm: Llm) -> dict[str, Any]:
    text = customer_text(ticket.get("subject"), ticket.get("body"))
    local_queue, local_urgency = local.predict(text)
    answer = llm.ask(mask_contact_details(text))
    queue = queue_number(answer[0]) if answer else local_queue
    urgency = (answer[1] if answer else None) or local_urgency
    return {"ticket_id": ticket.get("ticket_id"), "prediction": queue, "urgency": urgency}


def route_many(tickets: Iterable[Mapping[str, Any]], local: LocalModel, llm: Llm) -> list[dict[str, Any]]:
    return [route_one(t, local, llm) for t in tickets]
