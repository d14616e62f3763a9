"""Hearth ticket triage: route-mini first, a local classifier whenever the API cannot answer."""

QUEUES = ("billing", "technical", "account", "shipping", "returns", "sales")
URGENCY_LEVELS = ("low", "normal", "high", "urgent")
