"""The router as a FastAPI service: `GET /healthz`, `POST /route` with a list of tickets."""

from __future__ import annotations

import argparse
from pathlib import Path

import joblib
import uvicorn
from fastapi import FastAPI
from pydantic import BaseModel, Field

from queue_router.cli import ARTIFACT
from queue_router.llm import Llm
from queue_router.local_model import LocalModel
from queue_router.routing import route_many


class Ticket(BaseModel):
    ticket_id: str
    body: str = Field(min_length=1)
    subject: str | None = None
    channel: str | None = None
    product: str | None = None
    customer_tier: str | None = None
    created_at: str | None = None


class Routed(BaseModel):
    ticket_id: str
    prediction: int
    urgency: str


def create_app(local: LocalModel, llm: Llm) -> FastAPI:
    app = FastAPI(title="queue router")

    @app.get("/healthz")
    def healthz() -> dict[str, str]:
        return {"status": "ok"}

    @app.post("/route", response_model=list[Routed])
    def route(tickets: list[Ticket]) -> list[dict[str, object]]:
        return route_many([t.model_dump() for t in tickets], local, llm)

    return app


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("--artifacts", type=Path, required=True)
    parser.add_argument("--port", type=int, default=8080)
    args = parser.parse_args()
    service = create_app(joblib.load(args.artifacts / ARTIFACT), Llm())
    uvicorn.run(service, host="127.0.0.1", port=args.port, log_level="warning")
