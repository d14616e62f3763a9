"""Flask service: GET /healthz, POST /score with a JSON array of customer rows."""

from __future__ import annotations

import sys
from pathlib import Path

import pandas as pd
from flask import Flask, jsonify, request

from src import model
from src.features import FEATURES, NUMERIC


def _problem(rows: object) -> str | None:
    """Why a request body cannot be scored, or None."""
    if not isinstance(rows, list) or not rows:
        return "the body must be a non-empty JSON array of customer objects"
    for i, row in enumerate(rows):
        if not isinstance(row, dict):
            return f"row {i} is not an object"
        absent = [c for c in ["customer_id", *FEATURES] if c not in row]
        if absent:
            return f"row {i} lacks {', '.join(absent)}"
        for column in NUMERIC:
            value = row[column]
            if value is not None and not isinstance(value, (int, float)):
                return f"row {i}: {column} must be a number or null"
    return None


def create_app(artifacts: Path) -> Flask:
    app = Flask(__name__)
    pipeline = model.load(artifacts)

    @app.get("/healthz")
    def health():
        return jsonify(status="ok")

    @app.post("/score")
    def score():
        rows = request.get_json(silent=True)
        problem = _problem(rows)
        if problem:
            return jsonify(error=problem), 400
        result = model.score(pipeline, pd.DataFrame(rows))
        return jsonify(result.to_dict(orient="records"))

    return app


if __name__ == "__main__":
    create_app(Path(sys.argv[1])).run(host="0.0.0.0", port=int(sys.argv[2]))
