"""python -m valuer.price --from DIR --listings CSV --to CSV"""
import argparse
import pickle
from pathlib import Path

import numpy as np
import pandas as pd

from valuer.table import build

ap = argparse.ArgumentParser()
ap.add_argument("--from", dest="model_dir", required=True)
ap.add_argument("--listings", required=True)
ap.add_argument("--to", required=True)
args = ap.parse_args()
with open(Path(args.model_dir) / "valuer.pkl", "rb") as fh:
    model = pickle.load(fh)
listings = pd.read_csv(args.listings)
prices = np.exp(model.predict(build(listings))).round(2)
pd.DataFrame({"listing_id": listings["listing_id"], "prediction": prices}).to_csv(args.to, index=False)
