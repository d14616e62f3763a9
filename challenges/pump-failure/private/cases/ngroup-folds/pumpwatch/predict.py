"""python -m pumpwatch.predict ARTIFACTS_DIR INPUT_CSV OUTPUT_CSV"""

from __future__ import annotations

import pickle
import sys
from pathlib import Path

import pandas as pd

from pumpwatch.readings import inputs


def main(model_dir: str, input_csv: str, output_csv: str) -> None:
    model = pickle.loads((Path(model_dir) / "model.pkl").read_bytes())
    frame = pd.read_csv(input_csv)
    risk = model.predict_proba(inputs(frame))[:, 1]
    pd.DataFrame({"reading_id": frame["reading_id"], "prediction": (risk >= 0.5).astype(int),
                  "probability": risk}).to_csv(output_csv, index=False)


if __name__ == "__main__":
    main(*sys.argv[1:4])
