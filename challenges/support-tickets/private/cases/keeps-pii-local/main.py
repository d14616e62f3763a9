"""python main.py train DATA_DIR OUT_DIR | python main.py predict MODEL_DIR INPUT OUTPUT"""

import logging
import os
import sys

import pandas as pd

from llm_route import LlmRouter
from local_clf import LocalRouter
from routing import route_tickets

MODEL_FILE = "local_router.pkl"


def train(data_dir, out_dir):
    frame = pd.read_csv(os.path.join(data_dir, "train.csv"), keep_default_na=False)
    frame = frame.drop_duplicates(["subject", "body"])
    os.makedirs(out_dir, exist_ok=True)
    LocalRouter().fit(frame).dump(os.path.join(out_dir, MODEL_FILE))
    print(f"local router trained on {len(frame)} tickets")


def predict(model_dir, input_csv, output_csv):
    local = LocalRouter.load(os.path.join(model_dir, MODEL_FILE))
    tickets = pd.read_csv(input_csv, keep_default_na=False).to_dict("records")
    rows, sources = route_tickets(tickets, local, LlmRouter())
    pd.DataFrame(rows, columns=["ticket_id", "prediction", "urgency"]).to_csv(output_csv, index=False)
    print(f"routed {len(rows)} tickets: {dict(sources)}")


if __name__ == "__main__":
    logging.basicConfig(level=logging.WARNING)
    command, *args = sys.argv[1:]
    {"train": train, "predict": predict}[command](*args)
