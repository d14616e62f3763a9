"""HTTP service: ``python -m churn.serve --model DIR --port N``."""

from __future__ import annotations

import argparse
import logging
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Annotated

import pandas as pd
import uvicorn
from fastapi import Body, FastAPI
from pydantic import BaseModel, ConfigDict

from churn import configure_logging
from churn.predict import load_model, predict_frame

logger = logging.getLogger("churn.serve")

MAX_RECORDS = 10_000


class CustomerRecord(BaseModel):
    """One customer to score. Feature keys are required but may be null; extra keys (such as
    retention_calls, which the model never uses) are ignored. Tenure may arrive as text
    ("12 months"), as it does in the exports."""

    model_config = ConfigDict(extra="ignore")

    customer_id: str | int
    tenure_months: float | str | None
    monthly_charges: float | None
    contract: str | None
    payment_method: str | None
    support_tickets: float | None
    region: str | None
    senior: int | None


class Prediction(BaseModel):
    """Churn prediction for one record."""

    customer_id: str | int
    prediction: int
    probability: float


def create_app(model_dir: Path) -> FastAPI:
    """Build the app; the model is loaded once when the server starts."""

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        app.state.pipeline, app.state.threshold = load_model(model_dir)
        yield

    app = FastAPI(title="Customer churn model", lifespan=lifespan)

    @app.get("/health")
    def health() -> dict[str, str]:
        """Liveness/readiness: ok once the model is loaded."""
        return {"status": "ok"}

    @app.post("/predict", response_model=list[Prediction])
    def predict(
        records: Annotated[list[CustomerRecord], Body(max_length=MAX_RECORDS)],
    ) -> list[Prediction]:
        """Score a list of customer records."""
        start = time.perf_counter()
        df = pd.DataFrame([r.model_dump() for r in records])
        if df.empty:
            return []
        result = predict_frame(app.state.pipeline, df, app.state.threshold)
        logger.info(
            "scored %d records in %.1f ms (mean probability %.3f)",
            len(result),
            (time.perf_counter() - start) * 1000,
            result["probability"].mean(),
        )
        return [Prediction(**row) for row in result.to_dict(orient="records")]

    return app


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    """Parse command-line arguments."""
    parser = argparse.ArgumentParser(description="Serve the churn model over HTTP.")
    parser.add_argument("--model", type=Path, required=True, help="folder written by churn.train")
    parser.add_argument("--port", type=int, default=8000)
    parser.add_argument("--host", default="127.0.0.1", help="bind address (0.0.0.0 in a container)")
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> None:
    """Command-line entry point."""
    configure_logging()
    args = parse_args(argv)
    uvicorn.run(create_app(args.model), host=args.host, port=args.port, log_level="info")


if __name__ == "__main__":
    main()
