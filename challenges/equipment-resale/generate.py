"""Generate the equipment-resale challenge: `python generate.py --out DIR [--seed N]`.

The trap is mixed units. Listings reach the marketplace through three channels, and one of
them, the `dealer_feed` integration, sends `original_price` in cents while `marketplace` and
`auction` listings carry it in dollars. Nothing in the file says so: the column is numeric
throughout and the two scales overlap (a $45 dealer item reads 4500, like a $4,500 one from
the marketplace). `resale_price`, the target, is in dollars for every source. A model fed the
column as given has to learn the price-to-resale relation twice, once per scale, from the
dealer rows alone for the cents; one that puts every price in dollars learns it once.

Holdout slices: `dollars` (marketplace and auction listings) and `cents` (dealer_feed
listings), drawn from the same item distribution. Probe pairs: the same item listed on the
marketplace with its price in dollars (side a) and sent by the dealer feed in cents (side b);
the resale value of the item is the same on both sides.
"""

from __future__ import annotations

import math

from harness.challenges.datagen import Holdout, Output, Rng, Row, fixed, run

DEFAULT_SEED = 5207
TRAIN_ROWS = 1200
SLICE_ROWS = 1200
PROBE_PAIRS = 300
SAMPLE_ROWS = 25
# Calibrated on the references over seeds 5207-5211 and 1-5 (see the report of the challenge).
SLICES_THRESHOLD = 0.7
PROBES_THRESHOLD = 0.19

ID = "listing_id"
TARGET = "resale_price"
FEATURES = [
    "source",
    "category",
    "brand_tier",
    "condition",
    "age_months",
    "hours_used",
    "original_price",
    "seller_rating",
]

# The channels, their share of the training export, and what they do to a resale price
# (auctions clear lower). Only dealer_feed sends prices in cents.
SOURCES = ["marketplace", "auction", "dealer_feed"]
SOURCE_WEIGHTS = [0.62, 0.34, 0.04]
# The mix of the listings to be priced from now on: the dealer feed brings half of them.
SCORING_WEIGHTS = [0.32, 0.18, 0.50]
DOLLAR_SOURCES = ["marketplace", "auction"]
SOURCE_EFFECT = {"marketplace": 1.0, "auction": 0.9, "dealer_feed": 1.0}
CENTS_SOURCE = "dealer_feed"


class Category:
    """How one kind of equipment is priced new and how it loses value."""

    def __init__(self, median: float, spread: float, keeps: float, monthly: float,
                 metered: float, hours: float, spellings: list[str]) -> None:  # fmt: skip
        self.median = median  # median list price, dollars
        self.spread = spread  # log-sd of list prices
        self.keeps = keeps  # share of the price a brand-new used item fetches
        self.monthly = monthly  # value lost per month of age (log scale)
        self.metered = metered  # share of listings with an hour meter reading
        self.hours = hours  # median hours on the meter at 24 months
        self.spellings = spellings


CATEGORIES = {
    "hand tools": Category(45.0, 0.30, 0.70, 0.008, 0.0, 1.0,
                           ["Hand Tools", "hand tools", "hand_tools", "HAND TOOLS"]),
    "power tools": Category(380.0, 0.375, 0.80, 0.011, 0.45, 500.0,
                            ["Power Tools", "power tools", "power_tools", "Tools", "TOOLS"]),
    "commercial kitchen": Category(1500.0, 0.40, 0.70, 0.013, 0.35, 2500.0,
                                   ["Commercial Kitchen", "commercial kitchen", "Kitchen",
                                    "kitchen", "KITCHEN"]),
    "medical": Category(2600.0, 0.40, 0.74, 0.016, 0.60, 1800.0,
                        ["Medical", "medical", "Medical Equipment", "med"]),
    "audio/video": Category(750.0, 0.45, 0.72, 0.021, 0.50, 1200.0,
                            ["Audio/Video", "AV", "A/V", "audio video", "audio-visual"]),
    "fitness": Category(1200.0, 0.40, 0.68, 0.014, 0.55, 900.0,
                        ["Fitness", "fitness", "Gym Equipment", "gym"]),
    "lab": Category(2200.0, 0.425, 0.78, 0.009, 0.25, 1500.0,
                    ["Lab Equipment", "lab equipment", "Laboratory", "lab"]),
}  # fmt: skip
CATEGORY_WEIGHTS = [0.12, 0.20, 0.15, 0.12, 0.16, 0.14, 0.11]
CONDITIONS = {
    "open box": (0.96, ["Open Box", "open box", "New (open box)"]),
    "like new": (0.88, ["Like New", "like new", "like-new", "Excellent"]),
    "good": (0.75, ["Good", "good", "GOOD", "Used - Good"]),
    "fair": (0.58, ["Fair", "fair", "Used - Fair"]),
    "for parts": (0.30, ["For Parts", "for parts", "parts only", "Poor"]),
}
CONDITION_WEIGHTS = [0.07, 0.25, 0.38, 0.22, 0.08]
TIERS = {
    "premium": (1.12, ["Premium", "premium", "PREMIUM"]),
    "mid": (1.0, ["Mid", "mid-range", "Mid Range", "standard"]),
    "value": (0.86, ["Value", "value", "budget", "Budget"]),
}
TIER_WEIGHTS = [0.25, 0.5, 0.25]
PRICE_RANGE = (15.0, 9500.0)
LUCK = 0.10
"""Log-sd of how much better or worse than its typical value a sale goes."""


def item(rng: Rng) -> tuple[Row, float]:
    """One piece of equipment, clean: its attributes (price in dollars) and resale value."""
    name = rng.choice(list(CATEGORIES), CATEGORY_WEIGHTS)
    cat = CATEGORIES[name]
    tier = rng.choice(list(TIERS), TIER_WEIGHTS)
    condition = rng.choice(list(CONDITIONS), CONDITION_WEIGHTS)
    price = rng.lognormal(cat.median * (1.5 if tier == "premium" else 1.0), cat.spread)
    price = list_price(min(max(price, PRICE_RANGE[0]), PRICE_RANGE[1]))
    age = rng.integer(1, 18) if condition == "open box" else rng.integer(3, 120)
    hours = None
    if rng.chance(cat.metered):
        hours = round(cat.hours * (age / 24.0) ** 0.8 * rng.lognormal(1.0, 0.5))
    rating = None if rng.chance(0.08) else round(min(5.0, max(1.0, rng.normal(4.4, 0.45))), 1)
    wear = math.exp(-0.2 * hours / cat.hours) if hours is not None else 1.0
    keeps = (
        cat.keeps
        * CONDITIONS[condition][0]
        * TIERS[tier][0]
        * math.exp(-cat.monthly * age)
        * wear
        * (1.0 + 0.04 * ((rating or 4.4) - 4.4))
    )
    row: Row = {
        "category": name,
        "brand_tier": tier,
        "condition": condition,
        "age_months": age,
        "hours_used": hours,
        "original_price": price,
        "seller_rating": rating,
    }
    return row, keeps


def list_price(dollars: float) -> float:
    """A list price as shops write them: 49.99, 1249.99 or 1250.00."""
    if dollars < 100:
        return round(dollars) - 0.01
    step = 10.0 if dollars < 2000 else 50.0
    rounded = step * round(dollars / step)
    return rounded - 0.01 if rounded % 100 else rounded


def resale(row: Row, keeps: float, source: str, luck: float) -> float:
    """What the item sold for, in dollars, whatever the source; `luck` is the sale's noise."""
    price = float(row["original_price"])  # type: ignore[arg-type]
    return round(max(price * keeps * SOURCE_EFFECT[source] * luck, 5.0), 2)


def luck(rng: Rng) -> float:
    """How much better or worse than its typical value one sale went."""
    return rng.lognormal(1.0, LUCK)


def recorded_price(price: float, source: str) -> str:
    """original_price as the source's export writes it: dealer_feed in integer cents."""
    if source == CENTS_SOURCE:
        return str(round(price * 100))
    return fixed(price)


def messy(rng: Rng, row: Row, source: str) -> Row:
    """The listing as the export shows it: spellings, blanks, text in numbers, outliers."""
    out = dict(row)
    out["source"] = source
    out["original_price"] = recorded_price(float(row["original_price"]), source)  # type: ignore[arg-type]
    out["category"] = rng.choice(CATEGORIES[str(row["category"])].spellings)
    out["condition"] = (
        None if rng.chance(0.03) else rng.choice(CONDITIONS[str(row["condition"])][1])
    )
    out["brand_tier"] = None if rng.chance(0.06) else rng.choice(TIERS[str(row["brand_tier"])][1])
    age = int(row["age_months"])  # type: ignore[arg-type]
    if rng.chance(0.07):
        years = f"{age // 12} yrs" if age >= 12 else f"{age} mo"
        out["age_months"] = rng.choice([f"{age} mo", f"{age} months", years, "n/a", "unknown", ""])
    hours = row["hours_used"]
    if hours is not None and rng.chance(0.005):
        out["hours_used"] = 99999
    return out


def draw(rng: Rng, source: str) -> tuple[Row, float]:
    """A listing from the given source as exported, and its resale price in dollars."""
    row, keeps = item(rng)
    return messy(rng, row, source), resale(row, keeps, source, luck(rng))


def from_dealer(listed: Row, clean: Row) -> Row:
    """The same listing as the dealer feed sends it: only the source and the price's unit change."""
    price = float(clean["original_price"])  # type: ignore[arg-type]
    return {**listed, "source": CENTS_SOURCE, "original_price": recorded_price(price, CENTS_SOURCE)}


def training_rows(rng: Rng, ids: list[str]) -> list[Row]:
    rows = []
    counts = [round(len(ids) * weight) for weight in SOURCE_WEIGHTS[1:]]
    sources = [SOURCES[1]] * counts[0] + [SOURCES[2]] * counts[1]
    sources = rng.shuffled(sources + [SOURCES[0]] * (len(ids) - len(sources)))
    for row_id, source in zip(ids, sources, strict=True):
        row, price = draw(rng, source)
        target: float | None = price
        if rng.chance(0.004):
            target = 1.0  # "make an offer" listings closed at a placeholder price
        elif rng.chance(0.003):
            target = round(price * 10, 2)  # a slipped decimal point when the sale was keyed in
        elif rng.chance(0.004):
            target = None
        rows.append({**row, ID: row_id, TARGET: None if target is None else fixed(target)})
    return rows


def holdout(rng: Rng) -> Holdout:
    """Matched slices: every item is listed once by a dollar source and once by dealer_feed,
    with the same sale luck, so the two slices differ only in the source and its unit."""
    data = Holdout(ID, TARGET)
    for _ in range(SLICE_ROWS):
        clean, keeps = item(rng)
        source = rng.choice(DOLLAR_SOURCES, SOURCE_WEIGHTS[:2])
        listed, sale = messy(rng, clean, source), luck(rng)
        data.add(listed, fixed(resale(clean, keeps, source, sale)), "dollars")
        data.add(
            from_dealer(listed, clean), fixed(resale(clean, keeps, CENTS_SOURCE, sale)), "cents"
        )
    for _ in range(PROBE_PAIRS):
        clean, _keeps = item(rng)
        listed = messy(rng, clean, "marketplace")
        data.pair(listed, from_dealer(listed, clean))
    return data


def sample_features(rng: Rng) -> list[Row]:
    """Fresh listings in the mix the model will be asked to price (not holdout rows)."""
    rows = []
    for row_id in rng.opaque_ids(SAMPLE_ROWS, "lst"):
        row, _price = draw(rng, rng.choice(SOURCES, SCORING_WEIGHTS))
        rows.append({**row, ID: row_id})
    return rows


def generate(out: Output, seed: int) -> None:
    rng = Rng(seed)
    train = training_rows(rng, rng.opaque_ids(TRAIN_ROWS, "lst"))
    out.table("public/data/train.csv", [ID, *FEATURES, TARGET], train)
    out.table("public/data/sample_features.csv", [ID, *FEATURES], sample_features(rng))
    holdout(rng).write(out, rng, FEATURES, "lst")
    out.text("public/brief.md", BRIEF.format(rows=TRAIN_ROWS))
    out.text(
        "private/trap.toml",
        TRAP.format(
            seed=seed, slices_threshold=SLICES_THRESHOLD, probes_threshold=PROBES_THRESHOLD
        ),
    )


BRIEF = """\
# Used equipment: what will this listing sell for?

*Estimated time: 3-4 hours. Please do not spend more.*

## The problem

We run an online marketplace for used professional equipment: hand and power tools,
commercial kitchen gear, medical and lab equipment, audio/video, gym machines. Sellers often
have no idea what their item is worth, list it too high and wait for months, or too low and
complain. We want a model that predicts what a listing will sell for, so that we can suggest
a price when a seller creates a listing and estimate the value of what is on the site.

Listings reach us through three channels (`source`): sellers listing on the marketplace
themselves, our timed auctions, and a direct feed of listings from partner dealers
(`dealer_feed`). The dealer feed started recently, so it is a small part of the history below,
but it will bring a large share of the listings from now on.

`data/train.csv` is an export of {rows} sold listings with `resale_price`, what each one sold
for. It is real-world data: expect blanks, inconsistent spellings and the odd strange value.

## The data

| column | meaning |
| --- | --- |
| `listing_id` | listing identifier, one row per listing |
| `source` | the channel the listing came through: `marketplace`, `auction` or `dealer_feed` |
| `category` | the kind of equipment |
| `brand_tier` | the manufacturer's market tier: premium, mid-range or value |
| `condition` | the condition the seller declared, from open box to for parts |
| `age_months` | months since the item was first bought |
| `hours_used` | hours on the item's hour meter, for equipment that has one |
| `original_price` | the item's original list price |
| `seller_rating` | the seller's average rating from past buyers, 1 to 5 |
| `resale_price` | what the listing sold for, in dollars (the target) |

`data/sample_features.csv` shows what the rows you will be asked to price look like: the
same columns without `resale_price`.

## What we ask

Predict `resale_price` for new listings and explain how you would deploy the model. How you
clean the data, which model you choose and how you validate it are up to you: tell us what
you did and why. We care about the judgement behind it more than about the last dollar of
accuracy.

## What to send

A zip of one folder with your code, a write-up (`README.md`: your approach, assumptions,
results, how you would deploy and monitor it, and its limitations) and `assessment.toml`,
which tells our harness how to run your code:

```toml
[submission]
challenge = "equipment-resale"

[commands]
train   = "python -m mymodel.train --data {{data}} --out {{artifacts}}"
predict = "python -m mymodel.predict --model {{artifacts}} --input {{input}} --output {{output}}"
test    = "pytest -q"                                                          # optional
serve   = "python -m mymodel.serve --model {{artifacts}} --port {{port}}"  # optional

[serve]          # only with serve
health  = "/health"
predict = "/predict"

[estimate]       # the error you expect on new listings, and how you measured it
metric = "mae"
value  = 0.0
method = "how you estimated it"
```

- `{{data}}` is a read-only folder holding `train.csv`; `{{artifacts}}` is a folder that
  `train` writes and `predict` reads; `{{input}}` is a CSV with the columns of
  `sample_features.csv`; `{{output}}` is where `predict` writes its CSV.
- The predictions CSV has one row per input row and the columns `listing_id` and
  `prediction` (the predicted resale price, in dollars).
- Your code runs with no network access, in Python 3.11 with pandas, numpy,
  scikit-learn, scipy, statsmodels, FastAPI, Flask and pytest installed; list anything
  else in `requirements.txt`.
- `serve` is optional: a service on `{{port}}` that answers `GET` on `health` and, on
  `POST` to `predict`, takes a JSON array of rows shaped like `sample_features.csv`
  (objects keyed by column) and returns a prediction for each.
- `[estimate]` is the mean absolute error, in dollars, that you expect on listings the model
  has never seen, and how you measured it. We compare it with what we measure.

Before you send it, run the self-check that comes with this bundle (see `SELF-CHECK.md`).
"""

TRAP = """\
# Private: never ship this file to candidates.
name = "mixed-units"
title = "One source records prices in cents"
seed = {seed}
summary = \"\"\"original_price is in dollars for marketplace and auction listings but in cents for \
dealer_feed listings, and nothing in the data says so. A model fed the column as given learns \
the price-to-resale relation separately for the few dealer rows and prices dealer listings \
badly; one that converts every price to dollars prices the same item alike from any source.\"\"\"
evidence = ["slices", "probes"]

[slices]
baseline = "dollars"
against = "cents"
metric = "mae"
threshold = {slices_threshold}
relative = true

[probes]
threshold = {probes_threshold}

[signal]
# the model must have 20% less MAE than the trivial baseline (the training median) on every
# labelled holdout row before its slices and probes count (the references: 65-83% over five seeds)
margin = 0.2

[code]
columns = ["original_price", "source"]
names = []
handling = "original_price is divided by 100 for dealer_feed rows (or every source's price \
is put in one unit) before any model, feature or outlier rule uses it"

[writeup]
terms = ["cents", "mixed units", "different units", "unit mismatch", "units differ", \
"divided by 100", "divide by 100", "/ 100", "/100", "100x", "a hundred times", "hundredfold"]
"""


if __name__ == "__main__":
    raise SystemExit(run(generate, seed=DEFAULT_SEED))
