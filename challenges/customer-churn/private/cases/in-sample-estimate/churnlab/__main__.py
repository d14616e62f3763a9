"""Command line: `python -m churnlab fit|predict ...`."""
import argparse
import pickle
from pathlib import Path

import pandas as pd
from sklearn.ensemble import RandomForestClassifier
from sklearn.metrics import roc_auc_score

from churnlab.prep import to_matrix


def fit(args):
    frame = pd.read_csv(Path(args.data) / "train.csv")
    frame = frame[frame["churned"].isin([0, 1])]
    X, y = to_matrix(frame), frame["churned"].astype(int)
    forest = RandomForestClassifier(n_estimators=300, min_samples_leaf=2, random_state=7)
    forest.fit(X, y)
    print("training AUC:", round(roc_auc_score(y, forest.predict_proba(X)[:, 1]), 3))
    Path(args.artifacts).mkdir(parents=True, exist_ok=True)
    with open(Path(args.artifacts) / "forest.pkl", "wb") as fh:
        pickle.dump(forest, fh)


def predict(args):
    with open(Path(args.artifacts) / "forest.pkl", "rb") as fh:
        forest = pickle.load(fh)
    frame = pd.read_csv(args.input)
    proba = forest.predict_proba(to_matrix(frame))[:, 1]
    out = pd.DataFrame({"customer_id": frame["customer_id"], "prediction": (proba >= 0.5).astype(int),
                        "probability": proba})
    Path(args.output).parent.mkdir(parents=True, exist_ok=True)
    out.to_csv(args.output, index=False)


parser = argparse.ArgumentParser(prog="churnlab")
sub = parser.add_subparsers(dest="command", required=True)
p_fit = sub.add_parser("fit")
p_fit.add_argument("--data", required=True)
p_fit.add_argument("--artifacts", required=True)
p_pred = sub.add_parser("predict")
p_pred.add_argument("--artifacts", required=True)
p_pred.add_argument("--input", required=True)
p_pred.add_argument("--output", required=True)
parsed = parser.parse_args()
fit(parsed) if parsed.command == "fit" else predict(parsed)
