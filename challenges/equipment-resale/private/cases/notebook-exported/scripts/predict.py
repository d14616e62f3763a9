#!/usr/bin/env python
# coding: utf-8

# In[1]:


import sys
import pickle
import pandas as pd
import numpy as np

sys.path.insert(0, __file__.rsplit("/", 1)[0])
from train_clean import clean


# In[2]:


rf = pickle.load(open(sys.argv[1] + "/rf.pkl", "rb"))
new = pd.read_csv(sys.argv[2])
X = clean(new)
pd.DataFrame({"listing_id": new.listing_id, "prediction": np.exp(rf.predict(X)) * X.price_usd}).to_csv(sys.argv[3], index=False)
