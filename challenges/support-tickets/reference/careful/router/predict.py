"""Route a CSV of tickets: ``python -m router.predict --model DIR --input CSV --output CSV``.

Writes `ticket_id`, `prediction` (the queue number) and `urgency` for every input row, and
logs what the model API cost and how often it failed. If the API is down, slow or gone, the
file is still complete: those tickets are routed by the classifier.
"""

from __future__ import annotations

import argparse
import logging
import time
from pathlib import Path

import joblib
import pandas as pd

from router import configure_logging
from router.config import api_settings, make_client
from router.model import Router
from router.route import route_frame
from router.train import MODEL_FILE

logger = logging.getLogger("router.predict")


def load_router(folder: Path) -> Router:
    router: Router = joblib.load(folder / MODEL_FILE)
    return router


def main(argv: list[str] | None = None) -> None:
    configure_logging()
    parser = argparse.ArgumentParser(description="Route a CSV of support tickets.")
    parser.add_argument("--model", type=Path, required=True, help="folder written by train")
    parser.add_argument("--input", type=Path, required=True)
    parser.add_argument("--output", type=Path, required=True)
    args = parser.parse_args(argv)
    frame = pd.read_csv(args.input, dtype=str, keep_default_na=False)
    client = make_client(api_settings(tickets=len(frame)))
    started = time.monotonic()
    routed = route_frame(load_router(args.model), frame, client)
    routed[["ticket_id", "prediction", "urgency"]].to_csv(args.output, index=False)
    took = time.monotonic() - started
    if client is not None:
        usage = client.usage
        per_1000 = usage.cost_usd * 1000 / max(len(frame), 1)
        logger.info("model API: %d calls, %d retries, %d failed tickets, %d cache hits, "
                    "%d+%d tokens, $%.4f ($%.4f per 1,000 tickets), outcomes %s",
                    usage.calls, usage.retries, usage.failures, usage.cache_hits,
                    usage.prompt_tokens, usage.completion_tokens, usage.cost_usd, per_1000,
                    usage.outcomes)  # fmt: skip
    logger.info("wrote %d predictions to %s in %.1f s", len(routed), args.output, took)


if __name__ == "__main__":
    main()
