"""HTTP service: ``python -m resale.serve --model DIR --port N``."""

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
from pydantic import BaseModel, ConfigDict, Field

from resale import configure_logging
from resale.predict import load_model, predict_frame

logger = logging.getLogger("resale.serve")

MAX_RECORDS = 10_000


class Listing(BaseModel):
    """One listing to price, shaped like a row of sample_features.csv.

    Every feature key must be present but may be null; extra keys are ignored. `age_months`
    takes numbers and the text the export uses ("18 mo", "2 yrs"); `original_price` is in the
    unit its source sends (cents for dealer_feed), exactly as in the batch files.
    """

    model_config = ConfigDict(extra="ignore")

    listing_id: str | int
    source: str | None
    category: str | None
    brand_tier: str | None
    condition: str | None
    age_months: float | str | None
    hours_used: float | None
    original_price: float | None = Field(ge=0)
    seller_rating: float | None = Field(ge=0, le=5)


class Prediction(BaseModel):
    """The predicted resale price of one listing, in dollars."""

    listing_id: str | int
    prediction: float


def create_app(model_dir: Path) -> FastAPI:
    """Build the app; the model is loaded once, when the server starts."""

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        app.state.model = load_model(model_dir)
        yield

    app = FastAPI(title="Equipment resale price model", lifespan=lifespan)

    @app.get("/health")
    def health() -> dict[str, str]:
        """Liveness and readiness: ok once the model is loaded."""
        return {"status": "ok"}

    @app.post("/predict", response_model=list[Prediction])
    def predict(
        listings: Annotated[list[Listing], Body(max_length=MAX_RECORDS)],
    ) -> list[Prediction]:
        """Price a list of listings."""
        start = time.perf_counter()
        if not listings:
            return []
        df = pd.DataFrame([listing.model_dump() for listing in listings])
        result = predict_frame(app.state.model, df)
        logger.info(
            "priced %d listings in %.1f ms (median $%.2f)",
            len(result),
            (time.perf_counter() - start) * 1000,
            result["prediction"].median(),
        )
        return [Prediction(**row) for row in result.to_dict(orient="records")]

    return app


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    """Parse command-line arguments."""
    parser = argparse.ArgumentParser(description="Serve the resale model over HTTP.")
    parser.add_argument("--model", type=Path, required=True, help="folder written by resale.train")
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
