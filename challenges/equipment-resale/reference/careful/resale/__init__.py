"""Resale price model for used equipment listings: cleaning, training, prediction, service."""

import logging

__version__ = "1.0.0"


def configure_logging(level: int = logging.INFO) -> None:
    """Log progress to stderr with timestamps (used by the command-line entry points)."""
    logging.basicConfig(level=level, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
