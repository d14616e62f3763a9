"""`train` and `predict` commands."""

from __future__ import annotations

import argparse
import logging
from pathlib import Path

import joblib
import pandas as pd

from queue_router.llm import Llm
from queue_router.local_model import LocalModel
from queue_router.routing import route_many

ARTIFACT = "local_model.joblib"


def train(data: Path, artifacts: Path) -> None:
    frame = pd.read_csv(data / "train.csv", keep_default_na=False)
    frame = frame.drop_duplicates(subset=["subject", "body"])
    artifacts.mkdir(parents=True, exist_ok=True)
    joblib.dump(LocalModel.fit(frame), artifacts / ARTIFACT)
    logging.info("local model trained on %d tickets", len(frame))


def predict(artifacts: Path, source: Path, target: Path) -> None:
    local = joblib.load(artifacts / ARTIFACT)
    tickets = pd.read_csv(source, keep_default_na=False).to_dict("records")
    llm = Llm()
    pd.DataFrame(route_many(tickets, local, llm)).to_csv(target, index=False)
    logging.info("routed %d tickets (%s)", len(tickets), llm.ask.cache_info())


def main() -> None:
    logging.basicConfig(level=logging.INFO, format="%(levelname)s %(name)s: %(message)s")
    parser = argparse.ArgumentParser(prog="queue_router")
    commands = parser.add_subparsers(dest="command", required=True)
    fit = commands.add_parser("train")
    fit.add_argument("--data", type=Path, required=True)
    fit.add_argument("--artifacts", type=Path, required=True)
    run = commands.add_parser("predict")
    run.add_argument("--artifacts", type=Path, required=True)
    run.add_argument("--input", type=Path, required=True)
    run.add_argument("--output", type=Path, required=True)
    args = parser.parse_args()
    if args.command == "train":
        train(args.data, args.artifacts)
    else:
        predict(args.artifacts, args.input, args.output)


if __name__ == "__main__":
    main()
