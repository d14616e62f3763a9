import pickle
import sys

import pandas as pd
from sklearn.ensemble import GradientBoostingClassifier
from sklearn.metrics import roc_auc_score
from sklearn.model_selection import train_test_split

from shared import featurize

df = pd.read_csv(sys.argv[1])
df = df.dropna(subset=["churned"])
X = featurize(df)
y = df["churned"].astype(int)

X_tr, X_te, y_tr, y_te = train_test_split(X, y, test_size=0.25, random_state=1)
gb = GradientBoostingClassifier(random_state=1).fit(X_tr, y_tr)
print("holdout auc", roc_auc_score(y_te, gb.predict_proba(X_te)[:, 1]))

gb = GradientBoostingClassifier(random_state=1).fit(X, y)
pickle.dump({"model": gb, "columns": list(X.columns)}, open(sys.argv[2], "wb"))
