"""The LLM does the routing, so training only records the most common queue and urgency
(used when the LLM gives an answer we cannot read)."""

import argparse
import json
import os

import pandas as pd


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--data", required=True)
    parser.add_argument("--out", required=True)
    args = parser.parse_args()

    df = pd.read_csv(os.path.join(args.data, "train.csv"))
    defaults = {
        "queue": int(df["queue"].mode()[0]),
        "urgency": str(df["urgency"].mode()[0]),
    }
    os.makedirs(args.out, exist_ok=True)
    with open(os.path.join(args.out, "defaults.json"), "w") as f:
        json.dump(defaults, f)
    print("defaults:", defaults)


if __name__ == "__main__":
    main()
