"""Generate the customer-churn challenge: `python generate.py --out DIR [--seed N]`.

The trap is target leakage. `retention_calls` counts the calls the retention team logged on
an account, and the team only calls customers who have already given notice: in the export
it is counted after the outcome, so it nearly gives the label away. At scoring time nobody
has given notice yet and the column is (almost always) zero.

Holdout slices: `ordinary` (rows exported the same way as train.csv, the leak in them) and
`scoring_time` (the column at its scoring-time value: the honest score). Probe pairs: the
same customer with 0 and with 1-3 retention calls.
"""

from __future__ import annotations

from harness.challenges.datagen import Holdout, Output, Rng, Row, fixed, run, sigmoid

DEFAULT_SEED = 4101
TRAIN_ROWS = 1400
SLICE_ROWS = 450
PROBE_PAIRS = 120
SAMPLE_ROWS = 25

ID = "customer_id"
TARGET = "churned"
FEATURES = [
    "tenure_months",
    "monthly_charges",
    "contract",
    "payment_method",
    "support_tickets",
    "region",
    "senior",
    "retention_calls",
]
CONTRACTS = {
    "month-to-month": ["Month-to-month", "month-to-month", "Month to month", "M2M", "monthly"],
    "one year": ["One year", "one year", "1 year", "12 months"],
    "two year": ["Two year", "two year", "2 year", "24 months"],
}
PAYMENTS = {
    "card": ["Credit card", "credit card", "CARD"],
    "bank transfer": ["Bank transfer", "bank transfer", "bank_transfer"],
    "electronic check": ["Electronic check", "e-check", "electronic check"],
    "mailed check": ["Mailed check", "mailed check"],
}
REGIONS = ["North", "South", "East", "West", "Central"]


def customer(rng: Rng) -> tuple[Row, float]:
    """One customer's clean attributes and their churn probability."""
    contract = rng.choice(list(CONTRACTS), [0.55, 0.25, 0.20])
    payment = rng.choice(list(PAYMENTS), [0.3, 0.25, 0.3, 0.15])
    tenure = rng.integer(1, 72) if contract == "month-to-month" else rng.integer(6, 72)
    charges = min(max(rng.lognormal(62.0, 0.35), 18.0), 140.0)
    tickets = rng.poisson(1.2)
    senior = 1 if rng.chance(0.18) else 0
    score = (
        -1.1
        + {"month-to-month": 1.2, "one year": -0.3, "two year": -1.2}[contract]
        - 0.028 * tenure
        + 0.42 * tickets
        + 0.012 * (charges - 62.0)
        + (0.5 if payment == "electronic check" else 0.0)
        + 0.3 * senior
    )
    row: Row = {
        "tenure_months": tenure,
        "monthly_charges": charges,
        "contract": contract,
        "payment_method": payment,
        "support_tickets": tickets,
        "region": rng.choice(REGIONS),
        "senior": senior,
    }
    return row, sigmoid(score)


def retention_calls(rng: Rng, churned: int) -> int:
    """As exported: counted after the outcome, so churners have calls and stayers rarely do."""
    if churned:
        return 0 if rng.chance(0.12) else 1 + rng.poisson(1.2)
    return 1 if rng.chance(0.04) else 0


def scoring_time_calls(rng: Rng) -> int:
    """At scoring time nobody has given notice yet: almost always zero, whatever the outcome."""
    return 1 if rng.chance(0.03) else 0


def messy(rng: Rng, row: Row) -> Row:
    """The ordinary mess of an export: spellings, blanks, text in numbers, a few outliers."""
    out = dict(row)
    out["contract"] = rng.choice(CONTRACTS[str(row["contract"])])
    out["payment_method"] = rng.choice(PAYMENTS[str(row["payment_method"])])
    charges = float(row["monthly_charges"])  # type: ignore[arg-type]
    out["monthly_charges"] = None if rng.chance(0.04) else fixed(charges)
    if rng.chance(0.006):
        out["monthly_charges"] = "9999.99"
    if rng.chance(0.03):
        out["tenure_months"] = rng.choice([f"{row['tenure_months']} months", "unknown", ""])
    if rng.chance(0.05):
        out["region"] = None
    if rng.chance(0.02):
        out["support_tickets"] = None
    return out


def draw(rng: Rng) -> tuple[Row, int]:
    """A customer as the export shows them, and whether they churned."""
    row, probability = customer(rng)
    churned = 1 if rng.chance(probability) else 0
    return messy(rng, row), churned


def training_rows(rng: Rng, ids: list[str]) -> list[Row]:
    rows = []
    for row_id in ids:
        row, churned = draw(rng)
        rows.append(
            {**row, ID: row_id, "retention_calls": retention_calls(rng, churned), TARGET: churned}
        )
    return rows


def holdout(rng: Rng) -> Holdout:
    data = Holdout(ID, TARGET)
    for _ in range(SLICE_ROWS):
        row, churned = draw(rng)
        data.add({**row, "retention_calls": retention_calls(rng, churned)}, churned, "ordinary")
    for _ in range(SLICE_ROWS):
        row, churned = draw(rng)
        data.add({**row, "retention_calls": scoring_time_calls(rng)}, churned, "scoring_time")
    for _ in range(PROBE_PAIRS):
        row, _churned = draw(rng)
        data.pair({**row, "retention_calls": 0}, {**row, "retention_calls": rng.integer(1, 3)})
    return data


def sample_features(rng: Rng) -> list[Row]:
    rows = []
    for row_id in rng.opaque_ids(SAMPLE_ROWS, "cust"):
        row, churned = draw(rng)
        calls = retention_calls(rng, churned) if rng.chance(0.5) else scoring_time_calls(rng)
        rows.append({**row, ID: row_id, "retention_calls": calls})
    return rows


def generate(out: Output, seed: int) -> None:
    rng = Rng(seed)
    train = training_rows(rng, rng.opaque_ids(TRAIN_ROWS, "cust"))
    out.table("public/data/train.csv", [ID, *FEATURES, TARGET], train)
    out.table("public/data/sample_features.csv", [ID, *FEATURES], sample_features(rng))
    holdout(rng).write(out, rng, FEATURES, "cust")
    out.text("public/brief.md", BRIEF.format(rows=TRAIN_ROWS))
    out.text("private/trap.toml", TRAP.format(seed=seed))


BRIEF = """\
# Customer churn: who is about to leave?

*Estimated time: 3-4 hours. Please do not spend more.*

## The problem

We are a regional broadband and TV provider. Every month some customers cancel, and the
retention team can only call a few hundred people a week. They want a model that, for every
active customer, gives the probability that the customer cancels within the next 90 days, so
they can call the riskiest ones first.

`data/train.csv` is an export of {rows} customer accounts from the customer-relationship
system, with `churned` telling whether each customer cancelled within 90 days of the export.
It is real-world data: expect blanks, inconsistent spellings and the odd strange value.

## The data

| column | meaning |
| --- | --- |
| `customer_id` | account identifier, one row per customer |
| `tenure_months` | months since the account was opened |
| `monthly_charges` | the current monthly bill, in dollars |
| `contract` | month-to-month, one year or two year |
| `payment_method` | how the customer pays |
| `support_tickets` | support tickets opened in the last 6 months |
| `region` | the customer's service region |
| `senior` | 1 if the account holder is 65 or older |
| `retention_calls` | calls from the retention team logged on the account |
| `churned` | 1 if the customer cancelled within 90 days, else 0 (the target) |

`data/sample_features.csv` shows what the rows you will be asked to score look like: the
same columns without `churned`.

## What we ask

Predict `churned` for new customers and explain how you would deploy the model. How you
clean the data, which model you choose and how you validate it are up to you: tell us what
you did and why. We care about the judgement behind it more than about the last point of
accuracy.

## What to send

A zip of one folder with your code, a write-up (`README.md`: your approach, assumptions,
results, how you would deploy and monitor it, and its limitations) and `assessment.toml`,
which tells our harness how to run your code:

```toml
[submission]
challenge = "customer-churn"

[commands]
train   = "python -m mymodel.train --data {{data}} --out {{artifacts}}"
predict = "python -m mymodel.predict --model {{artifacts}} --input {{input}} --output {{output}}"
test    = "pytest -q"                                                          # optional
serve   = "python -m mymodel.serve --model {{artifacts}} --port {{port}}"  # optional

[serve]          # only with serve
health  = "/health"
predict = "/predict"

[estimate]       # the score you expect on new customers, and how you measured it
metric = "roc_auc"
value  = 0.0
method = "how you estimated it"
```

- `{{data}}` is a read-only folder holding `train.csv`; `{{artifacts}}` is a folder that
  `train` writes and `predict` reads; `{{input}}` is a CSV with the columns of
  `sample_features.csv`; `{{output}}` is where `predict` writes its CSV.
- The predictions CSV has one row per input row and the columns `customer_id`,
  `prediction` (0 or 1) and `probability` (of churning, between 0 and 1).
- Your code runs with no network access, in Python 3.11 with pandas, numpy,
  scikit-learn, scipy, statsmodels, FastAPI, Flask and pytest installed; list anything
  else in `requirements.txt`.
- `serve` is optional: a service on `{{port}}` that answers `GET` on `health` and, on
  `POST` to `predict`, takes a JSON array of rows shaped like `sample_features.csv`
  (objects keyed by column) and returns a prediction for each.
- `[estimate]` is the score you expect on customers the model has never seen, with the
  metric and how you measured it. We compare it with what we measure.

Before you send it, run the self-check that comes with this bundle (see `SELF-CHECK.md`).
"""

TRAP = """\
# Private: never ship this file to candidates.
name = "target-leakage"
title = "A column recorded after the outcome"
seed = {seed}
summary = \"\"\"retention_calls is logged by the retention team, who only call customers that \
have already given notice. In the export it is counted after the outcome, so it nearly gives \
the label away; at scoring time it is almost always zero.\"\"\"
evidence = ["slices", "probes", "estimate"]
primary_slice = "scoring_time"

[slices]
baseline = "ordinary"
against = "scoring_time"
metric = "balanced_accuracy"
threshold = 0.12

[probes]
threshold = 0.08

[estimate]
threshold = 0.13

[signal]
# the model must beat the trivial baseline by 0.05 roc_auc on every labelled holdout row before
# its slices and probes count (the references lift 0.26-0.36 over five seeds)
margin = 0.05

[code]
columns = ["retention_calls"]
names = []
handling = "retention_calls is dropped (or never used) before fitting"

[writeup]
terms = ["leak", "leakage", "after the outcome", "after churn", "after they churn", \
"recorded after", "logged after", "future information", "not known at prediction time", \
"not available at prediction time"]
"""


if __name__ == "__main__":
    raise SystemExit(run(generate, seed=DEFAULT_SEED))
