#!/usr/bin/env python
# coding: utf-8

# # Routing Hearth support tickets
#
# Exported from `ticket_routing.ipynb` (File > Download as > Python). The notebook was used to
# explore the data; the cells below are the parts the router needs, and the last cell turns
# it into a command line: `train DATA_DIR OUT_DIR` and `predict MODEL_DIR INPUT OUTPUT`.

# In[1]:


import json
import os
import pickle
import re
import sys
import time
import urllib.error
import urllib.request

import pandas as pd
from sklearn.feature_extraction.text import CountVectorizer
from sklearn.naive_bayes import MultinomialNB
from sklearn.pipeline import make_pipeline

QUEUE_NAMES = ["billing", "technical", "account", "shipping", "returns", "sales"]
LEVELS = ["low", "normal", "high", "urgent"]


# ## Cleaning
#
# Web-form tickets keep HTML, emails keep signatures and the quoted thread, and about two
# tickets in five hold a phone number, a card number or an email address. Those must not
# go to the outside API, so they are replaced by tags first.

# In[2]:


PII_PATTERNS = [
    (r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+", "<email>"),
    (r"\b(?:\d[ -]?){12,18}\d\b", "<card>"),
    (r"\+\d{1,3}(?:[ -]?\d{2,6}){2,3}|\(\d{3}\) ?\d{3}[ -]\d{4}|\b0\d{4} ?\d{6}\b", "<phone>"),
]
SIGN_OFF = re.compile(r"\n\s*(?:thanks|regards|cheers|best|merci|danke|gracias)\b.*",
                      re.IGNORECASE | re.DOTALL)


def scrub(text):
    for pattern, tag in PII_PATTERNS:
        text = re.sub(pattern, tag, text)
    return text


def ticket_text(subject, body):
    subject = subject if isinstance(subject, str) else ""
    body = body if isinstance(body, str) else ""
    body = re.sub(r"<[^>]+>", " ", body).replace("&nbsp;", " ")
    body = re.split(r"\n-----+ ?Original|\nOn .{0,80}wrote:", body)[0]
    body = SIGN_OFF.sub("", body)
    return " ".join(f"{subject}\n{body}".split())


# In[3]:


def explore(df):
    """What the notebook printed while looking at the export."""
    print(df["queue"].value_counts().sort_index())
    print(df["channel"].str.lower().value_counts())
    print("duplicates:", df.duplicated(["subject", "body"]).sum())


# ## A local model for when the API cannot answer

# In[4]:


def fit_local(df):
    texts = [ticket_text(s, b) for s, b in zip(df["subject"], df["body"])]
    queue_nb = make_pipeline(CountVectorizer(ngram_range=(1, 2), min_df=2), MultinomialNB(alpha=0.3))
    urgency_nb = make_pipeline(CountVectorizer(min_df=2), MultinomialNB())
    return {"queue": queue_nb.fit(texts, df["queue"]), "urgency": urgency_nb.fit(texts, df["urgency"])}


# ## The model API
#
# `route-mini` is cheap and good enough. Retry-After is honoured (no call before the time
# it names, for any ticket), other errors wait 1, 2, 4 s, at most 4 attempts; a 404 means
# the model was retired, so the next one is used.

# In[5]:


API = os.environ.get("GRADE_MODEL_API_BASE_URL", "").rstrip("/")
KEY = os.environ.get("GRADE_MODEL_API_KEY", "")
MODELS = ["route-mini", "route-standard"]
PROMPT = ("Classify this Hearth support ticket. Queues: billing, technical, account, shipping, "
          "returns, sales. Urgency: low, normal, high, urgent. "
          'Reply with JSON: {"queue": "...", "urgency": "..."}')
state = {"model": 0, "not_before": 0.0}
answers = {}


def call_api(model, text):
    payload = {"model": model, "max_tokens": 30,
               "messages": [{"role": "system", "content": PROMPT},
                            {"role": "user", "content": text}]}
    req = urllib.request.Request(API + "/chat/completions", data=json.dumps(payload).encode(),
                                 headers={"Authorization": "Bearer " + KEY,
                                          "Content-Type": "application/json"})
    with urllib.request.urlopen(req) as resp:
        return json.loads(resp.read())


def read_answer(body):
    choice = body["choices"][0]
    if choice.get("finish_reason") == "length":
        raise ValueError("answer cut short")
    data = json.loads(choice["message"]["content"])
    queue = str(data.get("queue", "")).lower()
    if queue not in QUEUE_NAMES:
        raise ValueError("no queue in the answer")
    urgency = str(data.get("urgency", "")).lower()
    return QUEUE_NAMES.index(queue) + 1, urgency if urgency in LEVELS else None


def pause_until(seconds):
    state["not_before"] = max(state["not_before"], time.monotonic() + seconds)


def ask_llm(text):
    if not API:
        return None
    text = scrub(text)
    if text in answers:
        return answers[text]
    for attempt in range(4):
        time.sleep(max(0.0, state["not_before"] - time.monotonic()))
        try:
            answer = read_answer(call_api(MODELS[state["model"]], text))
        except urllib.error.HTTPError as err:
            if err.code == 404 and state["model"] + 1 < len(MODELS):
                state["model"] += 1
                continue
            if err.code not in (408, 429, 500, 502, 503, 504):
                return None
            retry_after = err.headers.get("Retry-After")
            pause_until(float(retry_after) if retry_after else 2 ** attempt)
            continue
        except (urllib.error.URLError, ValueError, KeyError, IndexError):
            pause_until(2 ** attempt)
            continue
        answers[text] = answer
        return answer
    return None


# In[6]:


def route(local, tickets):
    rows = []
    for ticket in tickets:
        text = ticket_text(ticket.get("subject"), ticket.get("body"))
        answer = ask_llm(text)
        if answer is None:
            answer = (int(local["queue"].predict([text])[0]), None)
        urgency = answer[1] or str(local["urgency"].predict([text])[0])
        rows.append({"ticket_id": ticket.get("ticket_id"), "prediction": int(answer[0]),
                     "urgency": urgency})
    return rows


# In[7]:


if __name__ == "__main__":
    command = sys.argv[1]
    if command == "train":
        data_dir, out_dir = sys.argv[2:4]
        train_df = pd.read_csv(os.path.join(data_dir, "train.csv"), keep_default_na=False)
        explore(train_df)
        os.makedirs(out_dir, exist_ok=True)
        with open(os.path.join(out_dir, "local.pkl"), "wb") as f:
            pickle.dump(fit_local(train_df.drop_duplicates(["subject", "body"])), f)
    elif command == "predict":
        model_dir, input_csv, output_csv = sys.argv[2:5]
        with open(os.path.join(model_dir, "local.pkl"), "rb") as f:
            local_models = pickle.load(f)
        tickets = pd.read_csv(input_csv, keep_default_na=False).to_dict("records")
        pd.DataFrame(route(local_models, tickets)).to_csv(output_csv, index=False)
        print("routed", len(tickets), "tickets")
