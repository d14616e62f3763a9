"""`fit DATA_DIR ARTIFACTS` and `route ARTIFACTS INPUT OUTPUT`."""

from __future__ import annotations

import asyncio
import logging
import sys
from pathlib import Path

import pandas as pd

from hearth_triage.batch import route_all
from hearth_triage.client import TriageClient
from hearth_triage.fallback import Fallback
from hearth_triage.settings import ApiConfig


def fit(data_dir: Path, artifacts: Path) -> None:
    frame = pd.read_csv(data_dir / "train.csv", keep_default_na=False)
    frame = frame.drop_duplicates(subset=["subject", "body"])
    Fallback().fit(frame).save(artifacts)
    logging.info("fallback fitted on %d tickets", len(frame))


async def route(artifacts: Path, source: Path, target: Path) -> None:
    fallback = Fallback.load(artifacts)
    tickets = pd.read_csv(source, keep_default_na=False).to_dict("records")
    config = ApiConfig.from_env()
    client = TriageClient(config) if config else None
    try:
        rows = await route_all(tickets, fallback, client)
    finally:
        if client is not None:
            await client.close()
    frame = pd.DataFrame(rows)
    frame[["ticket_id", "prediction", "urgency"]].to_csv(target, index=False)


def main(argv: list[str]) -> None:
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(message)s")
    logging.getLogger("httpx").setLevel(logging.WARNING)
    command, *paths = argv
    if command == "fit":
        fit(Path(paths[0]), Path(paths[1]))
    elif command == "route":
        asyncio.run(route(Path(paths[0]), Path(paths[1]), Path(paths[2])))
    else:
        raise SystemExit(f"unknown command {command!r}: use fit or route")


if __name__ == "__main__":
    main(sys.argv[1:])
