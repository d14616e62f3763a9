"""Routing a batch: tickets with contact details stay local; the others go to the model."""

from collections import Counter

from pii_gate import may_leave
from text_prep import prepare


def route_tickets(tickets, local, llm):
    texts = [prepare(t.get("subject"), t.get("body")) for t in tickets]
    local_queues, local_urgency = local.predict(texts) if texts else ([], [])
    rows, sources = [], Counter()
    for ticket, text, queue, urgency in zip(tickets, texts, local_queues, local_urgency):
        answer = None
        if may_leave(text, ticket.get("subject"), ticket.get("body")):
            answer = llm.ask(text)
            sources["model" if answer else "local (API failed)"] += 1
        else:
            sources["local (contact details)"] += 1
        if answer:
            queue, urgency = answer[0], answer[1] or urgency
        rows.append({"ticket_id": ticket.get("ticket_id"), "prediction": queue, "urgency": urgency})
    return rows, sources
