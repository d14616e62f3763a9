"""python web.py MODEL_DIR PORT: GET /health, POST /predict (a JSON list of tickets)."""

import os
import sys

from flask import Flask, jsonify, request

from llm_route import LlmRouter
from local_clf import LocalRouter
from main import MODEL_FILE
from routing import route_tickets


def make_app(local, llm):
    app = Flask("router")

    @app.route("/health")
    def health():
        return jsonify(ok=True)

    @app.route("/predict", methods=["POST"])
    def predict():
        tickets = request.get_json(silent=True)
        if not isinstance(tickets, list) or not tickets:
            return jsonify(error="send a JSON list of tickets"), 400
        if not all(isinstance(t, dict) and t.get("ticket_id") and isinstance(t.get("body"), str) for t in tickets):
            return jsonify(error="every ticket needs a ticket_id and a body"), 400
        rows, _ = route_tickets(tickets, local, llm)
        return jsonify(rows)

    return app


if __name__ == "__main__":
    model_dir, port = sys.argv[1], int(sys.argv[2])
    local_router = LocalRouter.load(os.path.join(model_dir, MODEL_FILE))
    # a caller is waiting: shorter timeout, one retry, then the local model
    make_app(local_router, LlmRouter(timeout=2.0, retries=1)).run(host="127.0.0.1", port=port, threaded=True)
