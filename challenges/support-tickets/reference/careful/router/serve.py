"""HTTP service: ``python -m router.serve --model DIR --port N``.

`POST /predict` takes a JSON array of tickets and answers within about three seconds
whatever the model API does: each request has a deadline, calls are short, and a ticket the
API cannot answer in time is routed by the classifier. Malformed input gets a 422 naming the
field; nothing the API does becomes a 500.
"""

from __future__ import annotations

import argparse
import logging
import time
from pathlib import Path
from typing import Annotated

import pandas as pd
import uvicorn
from fastapi import Body, FastAPI
from pydantic import BaseModel, ConfigDict

from router import configure_logging
from router.config import api_settings, make_client
from router.predict import load_router
from router.route import route_frame

logger = logging.getLogger("router.serve")

MAX_TICKETS = 500
REQUEST_DEADLINE_S = 3.0
SERVE_API = {"timeout_s": 1.5, "connect_timeout_s": 0.5, "max_attempts": 2, "max_wait_s": 1.0}


class Ticket(BaseModel):
    """One ticket to route; text fields may be missing or null, extra keys are ignored."""

    model_config = ConfigDict(extra="ignore")

    ticket_id: str | int
    subject: str | None = None
    body: str | None = None
    channel: str | None = None
    product: str | None = None
    customer_tier: str | None = None
    created_at: str | None = None


class Routed(BaseModel):
    ticket_id: str | int
    prediction: int
    urgency: str


def create_app(model_dir: Path) -> FastAPI:
    """The app; the router is loaded once, the API client shared by all requests."""
    router = load_router(model_dir)
    client = make_client(api_settings(tickets=100_000, **SERVE_API))
    app = FastAPI(title="Support ticket router")

    @app.get("/health")
    def health() -> dict[str, str]:
        return {"status": "ok"}

    @app.post("/predict", response_model=list[Routed])
    def predict(tickets: Annotated[list[Ticket], Body(max_length=MAX_TICKETS)]) -> list[Routed]:
        if not tickets:
            return []
        frame = pd.DataFrame([t.model_dump() for t in tickets])
        deadline = time.monotonic() + REQUEST_DEADLINE_S
        routed = route_frame(router, frame, client, deadline)
        return [Routed(ticket_id=r.ticket_id, prediction=int(r.prediction), urgency=r.urgency)
                for r in routed.itertuples()]  # fmt: skip

    return app


def main(argv: list[str] | None = None) -> None:
    configure_logging()
    parser = argparse.ArgumentParser(description="Serve the ticket router over HTTP.")
    parser.add_argument("--model", type=Path, required=True)
    parser.add_argument("--port", type=int, default=8000)
    parser.add_argument("--host", default="127.0.0.1")
    args = parser.parse_args(argv)
    uvicorn.run(create_app(args.model), host=args.host, port=args.port, log_level="warning")


if __name__ == "__main__":
    main()
