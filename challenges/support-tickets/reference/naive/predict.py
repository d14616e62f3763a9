"""Route every ticket in the input CSV with the LLM."""

import argparse
import json
import os

import pandas as pd

from llm import classify


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--model", required=True)
    parser.add_argument("--input", required=True)
    parser.add_argument("--output", required=True)
    args = parser.parse_args()

    with open(os.path.join(args.model, "defaults.json")) as f:
        defaults = json.load(f)
    df = pd.read_csv(args.input, keep_default_na=False)
    rows = []
    for i, ticket in df.iterrows():
        try:
            queue, urgency = classify(ticket.to_dict())
        except Exception as e:
            print(f"ticket {ticket['ticket_id']}: {e}")
            queue, urgency = defaults["queue"], defaults["urgency"]
        rows.append({"ticket_id": ticket["ticket_id"], "prediction": queue, "urgency": urgency})
        if i % 50 == 0:
            print(f"{i} tickets done")
    pd.DataFrame(rows).to_csv(args.output, index=False)


if __name__ == "__main__":
    main()
