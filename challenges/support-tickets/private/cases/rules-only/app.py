"""A Flask service around the same routing: GET /health, POST /predict (a JSON list of tickets)."""

import argparse
import os

import joblib
import pandas as pd
from flask import Flask, jsonify, request

from rules import route

FIELDS = ("ticket_id", "subject", "body", "customer_tier")


def create_app(models):
    app = Flask(__name__)

    @app.get("/health")
    def health():
        return jsonify(status="ok")

    @app.post("/predict")
    def predict():
        tickets = request.get_json(silent=True)
        if not isinstance(tickets, list) or not tickets:
            return jsonify(error="expected a non-empty JSON list of tickets"), 400
        bad = [i for i, t in enumerate(tickets)
               if not isinstance(t, dict) or not isinstance(t.get("body"), str) or "ticket_id" not in t]
        if bad:
            return jsonify(error="tickets need ticket_id and a text body", rows=bad[:10]), 400
        frame = pd.DataFrame([{k: t.get(k) for k in FIELDS} for t in tickets])
        return jsonify([{"ticket_id": t["ticket_id"], "prediction": int(q), "urgency": u}
                        for t, (q, u) in zip(tickets, route(models, frame))])

    return app


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("--model", required=True)
    parser.add_argument("--port", type=int, default=8000)
    args = parser.parse_args()
    create_app(joblib.load(os.path.join(args.model, "models.joblib"))).run(host="127.0.0.1", port=args.port)
