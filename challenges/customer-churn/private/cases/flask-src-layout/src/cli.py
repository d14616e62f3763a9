"""`python -m src.cli train DATA OUT` and `python -m src.cli predict OUT INPUT OUTPUT`."""

from __future__ import annotations

import sys
from pathlib import Path

import pandas as pd

from src import model


def main(argv: list[str]) -> int:
    if argv[:1] == ["train"] and len(argv) == 3:
        auc = model.train(Path(argv[1]), Path(argv[2]))
        print(f"5-fold CV ROC AUC {auc:.3f}")
        return 0
    if argv[:1] == ["predict"] and len(argv) == 4:
        scores = model.score(model.load(Path(argv[1])), pd.read_csv(argv[2]))
        Path(argv[3]).parent.mkdir(parents=True, exist_ok=True)
        scores.to_csv(argv[3], index=False)
        return 0
    print(__doc__, file=sys.stderr)
    return 2


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
