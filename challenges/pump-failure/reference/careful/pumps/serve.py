"""HTTP service: ``python -m pumps.serve --model DIR --port N``."""

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
from pydantic import AfterValidator, BaseModel, ConfigDict, StrictFloat, StrictInt, StrictStr

from pumps import __version__, configure_logging
from pumps.features import is_readable_number
from pumps.predict import load_model, predict_frame

logger = logging.getLogger("pumps.serve")

MAX_RECORDS = 10_000


def _readable(value: float | int | str | None) -> float | int | str | None:
    if not is_readable_number(value):
        raise ValueError(f"not a number: {value!r}")
    return value


# A number as the export writes it: 12.5, 12345, "12,345", "8000 h", null or "unknown".
Number = Annotated[StrictFloat | StrictInt | StrictStr | None, AfterValidator(_readable)]


class Reading(BaseModel):
    """One inspection reading to score. Every feature key is required but may be null;
    extra keys are ignored."""

    model_config = ConfigDict(extra="ignore")

    reading_id: StrictStr | StrictInt
    pump_id: StrictStr | None = None
    model: StrictStr | None
    site: StrictStr | None
    install_year: Number
    rated_flow_m3h: Number
    motor_kw: Number
    runtime_hours: Number
    days_since_service: Number
    vibration_mm_s: Number
    bearing_temp_c: Number
    discharge_pressure_bar: Number


class Prediction(BaseModel):
    """The failure prediction for one reading."""

    reading_id: str | int
    prediction: int
    probability: float


def create_app(model_dir: Path) -> FastAPI:
    """Build the app; the model is loaded once, when the server starts."""

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        app.state.pipeline, app.state.threshold = load_model(model_dir)
        yield

    app = FastAPI(title="Pump failure model", version=__version__, lifespan=lifespan)

    @app.get("/health")
    def health() -> dict[str, str]:
        """Ready once the model is loaded."""
        return {"status": "ok", "version": __version__}

    @app.post("/predict", response_model=list[Prediction])
    def predict(
        readings: Annotated[list[Reading], Body(max_length=MAX_RECORDS)],
    ) -> list[Prediction]:
        """Score a JSON array of readings shaped like the rows of sample_features.csv."""
        start = time.perf_counter()
        if not readings:
            return []
        df = pd.DataFrame([reading.model_dump() for reading in readings])
        result = predict_frame(app.state.pipeline, df, app.state.threshold)
        logger.info(
            "scored %d readings in %.1f ms (mean probability %.3f)",
            len(result),
            (time.perf_counter() - start) * 1000,
            result["probability"].mean(),
        )
        return [Prediction(**row) for row in result.to_dict(orient="records")]

    return app


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    """Parse command-line arguments."""
    parser = argparse.ArgumentParser(description="Serve the pump failure model over HTTP.")
    parser.add_argument("--model", type=Path, required=True, help="folder written by pumps.train")
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
