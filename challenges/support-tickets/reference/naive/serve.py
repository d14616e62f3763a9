"""A small Flask API around the LLM router."""

import argparse

from flask import Flask, jsonify, request

from llm import classify

app = Flask(__name__)


@app.get("/health")
def health():
    return {"status": "ok"}


@app.post("/predict")
def predict():
    results = []
    for ticket in request.get_json():
        queue, urgency = classify(ticket)
        results.append({"ticket_id": ticket["ticket_id"], "prediction": queue, "urgency": urgency})
    return jsonify(results)


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("--model", required=False)
    parser.add_argument("--port", type=int, default=5000)
    args = parser.parse_args()
    app.run(host="127.0.0.1", port=args.port)
