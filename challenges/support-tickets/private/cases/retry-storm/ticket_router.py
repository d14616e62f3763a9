"""Hearth ticket router: route-mini for every ticket, a TF-IDF classifier when the API fails.

    python ticket_router.py train   --data DIR --out DIR
    python ticket_router.py predict --model DIR --input CSV --output CSV
    python ticket_router.py serve   --model DIR --port PORT
"""
import argparse
import json
import os
import re
import sys

import joblib
import pandas as pd
import requests
from flask import Flask, jsonify, request
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import make_pipeline

QUEUES = ["billing", "technical", "account", "shipping", "returns", "sales"]
URGENCIES = ["low", "normal", "high", "urgent"]
MODELS = ["route-mini", "route-standard"]
MAX_TRIES = 25  # the API is flaky, so we keep trying until it answers
SYSTEM = (
    "You route support tickets for Hearth (smart-home devices). "
    "Queues: billing, technical, account, shipping, returns, sales. "
    "Urgency: low, normal, high, urgent. "
    'Answer in JSON like {"queue": "billing", "urgency": "normal"}.'
)

EMAIL = re.compile(r"[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)+")
LONG_NUMBER = re.compile(r"\+?\(?\d[\d\s().-]{6,}\d")
TAG = re.compile(r"<[^>]+>")


def _hide_number(match):
    digits = re.sub(r"\D", "", match.group(0))
    return "[NUMBER]" if len(digits) >= 8 else match.group(0)


def redact(text):
    """Remove emails, card numbers and phone numbers before text leaves our side."""
    text = EMAIL.sub("[EMAIL]", text)
    return LONG_NUMBER.sub(_hide_number, text)


def clean(subject, body):
    subject = subject if isinstance(subject, str) else ""
    body = body if isinstance(body, str) else ""
    body = TAG.sub(" ", body).replace("&nbsp;", " ").replace("&amp;", "&")
    body = body.split("\nOn ")[0]  # drop the quoted earlier reply
    return re.sub(r"\s+", " ", f"{subject}. {body}").strip()


def parse_answer(content):
    data = json.loads(content)
    queue = str(data.get("queue", "")).strip().lower()
    urgency = str(data.get("urgency", "")).strip().lower()
    if queue not in QUEUES:
        raise ValueError(f"unknown queue {queue!r}")
    return QUEUES.index(queue) + 1, urgency if urgency in URGENCIES else None


class ModelApi:
    def __init__(self):
        self.url = os.environ.get("GRADE_MODEL_API_BASE_URL", "").rstrip("/")
        self.key = os.environ.get("GRADE_MODEL_API_KEY", "")
        self.session = requests.Session()
        self.model = 0
        self.cache = {}

    def ask(self, text):
        if not self.url:
            return None
        prompt = redact(text)
        if prompt in self.cache:
            return self.cache[prompt]
        for _ in range(MAX_TRIES):
            body = {"model": MODELS[self.model], "max_tokens": 30, "temperature": 0,
                    "messages": [{"role": "system", "content": SYSTEM},
                                 {"role": "user", "content": prompt}]}
            try:
                resp = self.session.post(self.url + "/chat/completions", json=body, timeout=15,
                                         headers={"Authorization": f"Bearer {self.key}"})
            except requests.RequestException:
                continue
            if resp.status_code == 404 and self.model + 1 < len(MODELS):
                self.model += 1  # the model was retired: use the next one
                continue
            if resp.status_code != 200:
                continue
            try:
                choice = resp.json()["choices"][0]
                answer = parse_answer(choice["message"]["content"])
            except (ValueError, KeyError, IndexError, TypeError):
                continue
            self.cache[prompt] = answer
            return answer
        return None


def train(data_dir, out_dir):
    df = pd.read_csv(os.path.join(data_dir, "train.csv"), keep_default_na=False)
    df = df.drop_duplicates(subset=["subject", "body"])
    texts = [clean(s, b) for s, b in zip(df["subject"], df["body"])]
    queue_model = make_pipeline(TfidfVectorizer(ngram_range=(1, 2), sublinear_tf=True),
                                LogisticRegression(max_iter=2000, C=5))
    queue_model.fit(texts, df["queue"].astype(int))
    urgency_model = make_pipeline(TfidfVectorizer(), LogisticRegression(max_iter=2000))
    urgency_model.fit(texts, df["urgency"])
    os.makedirs(out_dir, exist_ok=True)
    joblib.dump({"queue": queue_model, "urgency": urgency_model},
                os.path.join(out_dir, "models.joblib"))
    print(f"trained on {len(df)} tickets")


def route(models, api, tickets):
    out = []
    for t in tickets:
        text = clean(t.get("subject"), t.get("body"))
        answer = api.ask(text)
        local_queue = int(models["queue"].predict([text])[0])
        local_urgency = str(models["urgency"].predict([text])[0])
        queue, urgency = answer if answer else (local_queue, None)
        out.append({"ticket_id": t.get("ticket_id"), "prediction": int(queue),
                    "urgency": urgency or local_urgency})
    return out


def predict(model_dir, input_csv, output_csv):
    models = joblib.load(os.path.join(model_dir, "models.joblib"))
    tickets = pd.read_csv(input_csv, keep_default_na=False).to_dict("records")
    rows = route(models, ModelApi(), tickets)
    pd.DataFrame(rows).to_csv(output_csv, index=False)
    print(f"routed {len(rows)} tickets")


def make_app(models):
    app = Flask(__name__)
    api = ModelApi()

    @app.get("/health")
    def health():
        return {"status": "ok"}

    @app.post("/predict")
    def predict_route():
        tickets = request.get_json(silent=True)
        if not isinstance(tickets, list) or not tickets:
            return jsonify(error="send a JSON array of tickets"), 400
        for t in tickets:
            if not isinstance(t, dict) or not isinstance(t.get("body"), str):
                return jsonify(error="each ticket needs a text body"), 400
        return jsonify(route(models, api, tickets))

    return app


def main(argv=None):
    parser = argparse.ArgumentParser()
    parser.add_argument("command", choices=["train", "predict", "serve"])
    parser.add_argument("--data")
    parser.add_argument("--out")
    parser.add_argument("--model")
    parser.add_argument("--input")
    parser.add_argument("--output")
    parser.add_argument("--port", type=int, default=8000)
    args = parser.parse_args(argv)
    if args.command == "train":
        train(args.data, args.out)
    elif args.command == "predict":
        predict(args.model, args.input, args.output)
    else:
        models = joblib.load(os.path.join(args.model, "models.joblib"))
        make_app(models).run(host="127.0.0.1", port=args.port, threaded=True)


if __name__ == "__main__":
    sys.exit(main())
