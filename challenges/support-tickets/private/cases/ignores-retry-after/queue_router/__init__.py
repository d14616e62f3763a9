"""Route Hearth support tickets to one of six queues."""

QUEUES: tuple[str, ...] = ("billing", "technical", "account", "shipping", "returns", "sales")
URGENCY: tuple[str, ...] = ("low", "normal", "high", "urgent")


def queue_number(name: str) -> int:
    return QUEUES.index(name) + 1
