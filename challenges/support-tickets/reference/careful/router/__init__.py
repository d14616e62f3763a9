"""Support-ticket router: rules, a small classifier, and a language model for the rest."""

import logging

__version__ = "1.0.0"

QUEUES = ("billing", "technical", "account", "shipping", "returns", "sales")
"""Queue names in the order of their numbers (billing is 1, sales is 6)."""
URGENCY = ("low", "normal", "high", "urgent")


def queue_number(name: str) -> int | None:
    """The number of a queue name (any case, spaces around it allowed); None if unknown."""
    cleaned = name.strip().lower()
    return QUEUES.index(cleaned) + 1 if cleaned in QUEUES else None


def configure_logging(level: int = logging.INFO) -> None:
    """Progress and counts to stderr, never ticket text (it holds personal data)."""
    logging.basicConfig(level=level, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    logging.getLogger("httpx").setLevel(logging.WARNING)  # one line per call is noise
