import pickle
import sys

import pandas as pd

from shared import featurize

saved = pickle.load(open(sys.argv[1], "rb"))
df = pd.read_csv(sys.argv[2])
X = featurize(df)[saved["columns"]]
p = saved["model"].predict_proba(X)[:, 1]
pd.DataFrame({"customer_id": df["customer_id"], "prediction": (p > 0.5).astype(int), "probability": p}).to_csv(sys.argv[3], index=False)
