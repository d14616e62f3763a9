"""FastAPI service: `GET /health`, `POST /predict` with a JSON array of tickets.

Each request has a deadline: a ticket the API has not answered within it is routed by the
fallback, so a slow or failing API never makes the service slow or failing.
"""

from __future__ import annotations

import argparse
import asyncio
from contextlib import asynccontextmanager
from pathlib import Path

import uvicorn
from fastapi import FastAPI
from pydantic import BaseModel, ConfigDict, Field

from hearth_triage.batch import route_ticket
from hearth_triage.client import TriageClient
from hearth_triage.fallback import Fallback
from hearth_triage.settings import ApiConfig

DEADLINE_S = 2.5


class TicketIn(BaseModel):
    model_config = ConfigDict(extra="ignore")
    ticket_id: str
    body: str = Field(min_length=1)
    subject: str | None = None


class RouteOut(BaseModel):
    ticket_id: str
    prediction: int = Field(ge=1, le=6)
    urgency: str


def build_app(artifacts: Path) -> FastAPI:
    state: dict[str, object] = {}

    @asynccontextmanager
    async def lifespan(_: FastAPI):
        state["fallback"] = Fallback.load(artifacts)
        config = ApiConfig.from_env()
        state["client"] = TriageClient(config) if config else None
        yield
        if state["client"] is not None:
            await state["client"].close()

    app = FastAPI(title="hearth-triage", lifespan=lifespan)

    @app.get("/health")
    async def health() -> dict[str, str]:
        return {"status": "ok"}

    @app.post("/predict", response_model=list[RouteOut])
    async def predict(tickets: list[TicketIn]) -> list[dict]:
        jobs = [route_ticket(t.model_dump(), state["fallback"], state["client"], DEADLINE_S)
                for t in tickets]
        return list(await asyncio.gather(*jobs))

    return app


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("--artifacts", type=Path, required=True)
    parser.add_argument("--port", type=int, required=True)
    args = parser.parse_args()
    uvicorn.run(build_app(args.artifacts), host="127.0.0.1", port=args.port, log_level="warning")
