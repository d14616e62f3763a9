"""Ask the LLM for the queue and urgency of a ticket."""

import json

from openai import OpenAI

MODEL = "route-large"  # the most accurate model
QUEUES = ["billing", "technical", "account", "shipping", "returns", "sales"]

SYSTEM = """You are a customer support assistant for Hearth, a smart home company.
Read the support ticket and decide which queue it belongs to:
billing, technical, account, shipping, returns or sales.
Also decide the urgency: low, normal, high or urgent.
Answer in JSON with the keys "queue" and "urgency"."""

_client = None


def get_client():
    global _client
    if _client is None:
        _client = OpenAI()  # reads OPENAI_BASE_URL and OPENAI_API_KEY
    return _client


def ticket_prompt(ticket):
    return (
        f"Subject: {ticket.get('subject', '')}\n"
        f"Channel: {ticket.get('channel', '')}\n"
        f"Product: {ticket.get('product', '')}\n"
        f"Customer tier: {ticket.get('customer_tier', '')}\n\n"
        f"{ticket.get('body', '')}"
    )


def classify(ticket):
    response = get_client().chat.completions.create(
        model=MODEL,
        messages=[
            {"role": "system", "content": SYSTEM},
            {"role": "user", "content": ticket_prompt(ticket)},
        ],
    )
    answer = json.loads(response.choices[0].message.content)
    return QUEUES.index(answer["queue"]) + 1, answer["urgency"]
