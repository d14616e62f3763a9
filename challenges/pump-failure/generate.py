"""Generate the pump-failure challenge: `python generate.py --out DIR [--seed N]`.

The trap is group leakage. Each row is one inspection reading, and the same pump appears in
3-15 rows. Whether a pump fails depends strongly on a pump-level condition that the readings
show only in part (wear no sensor measures), and every pump carries attributes that single it
out (its nameplate flow and motor power, install year, model, site, a pressure that barely
moves between inspections). A model validated with a random split meets every test pump in
training too, learns each pump's failure rate from its other readings, and reports a score it
will never reach on pumps it has not seen. Validated with the readings of a pump kept
together (GroupKFold by pump_id), the same model reports about what it will really score.

The final models of a naive and a careful solution score about the same on new pumps; what
differs is the self-estimate and the code. Holdout slices: `new_pumps` (1-3 inspections each
of 1000 pumps that are not in train.csv: the honest score) and a small `seen_pumps` (later
readings of 60 training pumps, for the report). No probe pairs: this trap does not show in
single features. Calibrated on the references (seeds 7301-7305 and 1-5): a random split claims
about 0.95 ROC AUC where new pumps give about 0.73, a split by pump claims within a few points
of the truth; the estimate threshold sits between them.
"""

from __future__ import annotations

from dataclasses import dataclass

from harness.challenges.datagen import Cell, Holdout, Output, Rng, Row, fixed, run, sigmoid

DEFAULT_SEED = 7301
TRAIN_PUMPS = 190
NEW_PUMPS = 1000
SEEN_PUMPS = 60
SAMPLE_PUMPS = 6
SAMPLE_ROWS = 25
MIN_READINGS = 3
MAX_READINGS = 15
CURRENT_YEAR = 2024
WORN_SHARE = 0.3
"""The share of pumps in a worn condition, exact in every fleet so seeds differ less."""
WORN, SOUND, CONDITION_SD = 4.5, -2.2, 0.8
"""The pump-level log-odds shift of a worn and of a sound pump, and its spread."""
WEAR_IN_VIBRATION = 0.10
"""How much of the pump's condition shows in its vibration: the honest signal, kept weak."""

ID = "reading_id"
PUMP = "pump_id"
TARGET = "failed_30d"
FEATURES = [
    PUMP,
    "model",
    "site",
    "install_year",
    "rated_flow_m3h",
    "motor_kw",
    "runtime_hours",
    "days_since_service",
    "vibration_mm_s",
    "bearing_temp_c",
    "discharge_pressure_bar",
]
# Model family -> (risk shift, the spellings inspectors type).
MODELS: dict[str, tuple[float, list[str]]] = {
    "AX-100": (-0.3, ["AX-100", "AX-100", "ax-100", "AX100", "AX 100"]),
    "AX-200": (0.0, ["AX-200", "AX-200", "ax-200", "AX200"]),
    "BV-40": (0.4, ["BV-40", "BV-40", "bv40", "BV 40"]),
    "BV-60": (0.7, ["BV-60", "BV-60", "BV60", "bv-60"]),
    "HZ-9": (-0.5, ["HZ-9", "HZ-9", "hz-9", "HZ9", "HZ 9"]),
}
MODEL_WEIGHTS = [0.25, 0.25, 0.2, 0.15, 0.15]
SITES = [
    "Riverside", "Northgate", "Elm Hollow", "Harbour Road", "Mill Lane", "Kingsbridge",
    "Oakfield", "Station Road", "Westmoor", "Ashby", "Brookside", "Castle Hill",
]  # fmt: skip


@dataclass
class Pump:
    """One pump: what its nameplate says, its hidden condition and its sensor baselines."""

    model: str
    site: str
    install_year: int
    rated_flow: float
    motor_kw: float
    risk: float
    """The pump-level log-odds of failing; most of it is wear no sensor measures."""
    vibration: float
    temperature: float
    pressure: float
    hours: int
    """Running hours since the last overhaul, as of the latest inspection."""


def pump(rng: Rng, worn: bool) -> Pump:
    model = rng.choice(list(MODELS), MODEL_WEIGHTS)
    install_year = rng.integer(1990, 2021)
    # The pump-level factor: a worn pump fails again and again, a sound one rarely.
    hidden = (WORN if worn else SOUND) + rng.normal(0.0, CONDITION_SD)
    flow = min(max(rng.lognormal(110.0, 0.45), 20.0), 480.0)
    site = rng.choice(SITES)
    motor_kw = round(max(flow * rng.uniform(0.07, 0.11), 2.2), 1)
    age = CURRENT_YEAR - install_year
    return Pump(
        model=model,
        site=site,
        install_year=install_year,
        rated_flow=round(flow, 1),
        motor_kw=motor_kw,
        risk=-1.2 + hidden + MODELS[model][0] + 0.05 * (age - 16),
        vibration=max(1.0, 3.2 + WEAR_IN_VIBRATION * hidden + rng.normal(0.0, 0.6)),
        temperature=rng.normal(58.0, 5.0),
        pressure=min(max(rng.normal(4.8, 1.3), 1.2), 9.5),
        hours=rng.integer(0, 18000),
    )


def reading(rng: Rng, unit: Pump) -> tuple[Row, int]:
    """The pump's next inspection (clean values) and whether it failed within 30 days."""
    unit.hours += rng.integer(400, 1100)
    days = rng.integer(5, 420)
    logit = unit.risk + 0.00004 * (unit.hours - 12000) + 0.002 * (days - 180)
    failed = 1 if rng.chance(sigmoid(logit)) else 0
    vibration = unit.vibration + 0.4 * failed + rng.normal(0.0, 0.6)
    row: Row = {
        "model": unit.model,
        "site": unit.site,
        "install_year": unit.install_year,
        "rated_flow_m3h": unit.rated_flow,
        "motor_kw": unit.motor_kw,
        "runtime_hours": unit.hours,
        "days_since_service": days,
        "vibration_mm_s": max(0.3, vibration),
        "bearing_temp_c": unit.temperature + 1.5 * failed + rng.normal(0.0, 2.5),
        "discharge_pressure_bar": unit.pressure + rng.normal(0.0, 0.12),
    }
    return row, failed


def messy(rng: Rng, row: Row) -> Row:
    """As typed in and exported: spellings, blanks, text in numbers, sensor faults."""
    out = dict(row)
    out["model"] = rng.choice(MODELS[str(row["model"])][1])
    site = str(row["site"])
    out["site"] = rng.choice([site, site, site, site.lower(), site.upper(), f" {site}"])
    if rng.chance(0.03):
        out["site"] = None
    if rng.chance(0.02):
        out["install_year"] = None
    hours = _number(row["runtime_hours"])
    if rng.chance(0.05):
        out["runtime_hours"] = f"{hours:,.0f}"
    elif rng.chance(0.02):
        out["runtime_hours"] = rng.choice(["unknown", "n/a", f"{hours:.0f} h"])
    if rng.chance(0.02):
        out["days_since_service"] = None
    out["vibration_mm_s"] = None if rng.chance(0.03) else fixed(_number(row["vibration_mm_s"]))
    if rng.chance(0.006):
        out["vibration_mm_s"] = "999.9"
    temp = _number(row["bearing_temp_c"])
    out["bearing_temp_c"] = None if rng.chance(0.05) else fixed(temp, 1)
    if rng.chance(0.004):
        out["bearing_temp_c"] = "-40.0"
    pressure = _number(row["discharge_pressure_bar"])
    out["discharge_pressure_bar"] = None if rng.chance(0.02) else fixed(pressure)
    return out


def _number(cell: Cell) -> float:
    assert isinstance(cell, int | float)
    return cell


def readings(rng: Rng, unit: Pump, pump_id: str, count: int) -> list[tuple[Row, int]]:
    """`count` successive inspections of one pump, as exported."""
    out = []
    for _ in range(count):
        row, failed = reading(rng, unit)
        out.append(({**messy(rng, row), PUMP: pump_id}, failed))
    return out


def pumps(rng: Rng, count: int) -> list[tuple[str, Pump]]:
    """`count` pumps with their asset tags, exactly WORN_SHARE of them worn."""
    worn = round(WORN_SHARE * count)
    conditions = rng.shuffled([True] * worn + [False] * (count - worn))
    return list(zip(rng.opaque_ids(count, "PU"), [pump(rng, w) for w in conditions], strict=True))


def training_rows(rng: Rng, fleet: list[tuple[str, Pump]]) -> list[Row]:
    rows: list[Row] = []
    for pump_id, unit in fleet:
        for row, failed in readings(rng, unit, pump_id, rng.integer(MIN_READINGS, MAX_READINGS)):
            rows.append({**row, TARGET: failed})
    ordered = rng.shuffled(rows)
    for row, row_id in zip(ordered, rng.opaque_ids(len(ordered), "rd"), strict=True):
        row[ID] = row_id
    return ordered


def holdout(rng: Rng, fleet: list[tuple[str, Pump]]) -> Holdout:
    data = Holdout(ID, TARGET)
    for pump_id, unit in pumps(rng, NEW_PUMPS):
        for row, failed in readings(rng, unit, pump_id, rng.integer(1, 3)):
            data.add(row, failed, "new_pumps")
    for pump_id, unit in rng.shuffled(fleet)[:SEEN_PUMPS]:
        for row, failed in readings(rng, unit, pump_id, rng.integer(1, 3)):
            data.add(row, failed, "seen_pumps")
    return data


def sample_features(rng: Rng) -> list[Row]:
    rows: list[Row] = []
    for pump_id, unit in pumps(rng, SAMPLE_PUMPS):
        rows.extend(row for row, _ in readings(rng, unit, pump_id, MAX_READINGS))
    picked = rng.shuffled(rows)[:SAMPLE_ROWS]
    for row, row_id in zip(picked, rng.opaque_ids(SAMPLE_ROWS, "rd"), strict=True):
        row[ID] = row_id
    return picked


def generate(out: Output, seed: int) -> None:
    rng = Rng(seed)
    fleet = pumps(rng, TRAIN_PUMPS)
    train = training_rows(rng, fleet)
    out.table("public/data/train.csv", [ID, *FEATURES, TARGET], train)
    out.table("public/data/sample_features.csv", [ID, *FEATURES], sample_features(rng))
    holdout(rng, fleet).write(out, rng, FEATURES, "rd")
    out.text("public/brief.md", BRIEF.format(rows=len(train), pumps=TRAIN_PUMPS))
    out.text("private/trap.toml", TRAP.format(seed=seed))


BRIEF = """\
# Pump failure: which pumps need attention before they break?

*Estimated time: 3-4 hours. Please do not spend more.*

## The problem

We are a water utility. Our pumping stations run a few thousand pumps, and a pump that
breaks without warning can leave a district without water pressure for a day. Inspectors
visit each pump every month or two and record a handful of readings. The maintenance planners
want a model that, for every inspection, gives the probability that the pump fails within the
next 30 days, so they can send a crew to the riskiest pumps first.

`data/train.csv` holds {rows} inspection readings from the pilot programme, which covered
{pumps} pumps across our stations, with `failed_30d` telling whether the pump failed within 30
days of the inspection. The model will be used across the whole fleet: most of the pumps it
will score were not in the pilot. It is real-world data: expect blanks, inconsistent
spellings and the odd strange value.

## The data

| column | meaning |
| --- | --- |
| `reading_id` | identifier of the inspection reading, one row per reading |
| `pump_id` | asset tag of the pump that was inspected |
| `model` | the pump's model |
| `site` | the pumping station the pump is installed at |
| `install_year` | the year the pump was installed |
| `rated_flow_m3h` | nameplate flow, in cubic metres per hour |
| `motor_kw` | nameplate motor power, in kW |
| `runtime_hours` | running hours since the last overhaul, read off the hour meter |
| `days_since_service` | days since the last routine service |
| `vibration_mm_s` | vibration velocity at the bearing housing, in mm/s |
| `bearing_temp_c` | bearing temperature, in degrees Celsius |
| `discharge_pressure_bar` | discharge pressure, in bar |
| `failed_30d` | 1 if the pump failed within 30 days of the inspection, else 0 (the target) |

`data/sample_features.csv` shows what the rows you will be asked to score look like: the
same columns without `failed_30d`.

## What we ask

Predict `failed_30d` and explain how you would deploy the model. How you clean the data,
which model you choose and how you validate it are up to you: tell us what you did and why.
We care about the judgement behind it more than about the last point of accuracy.

## What to send

A zip of one folder with your code, a write-up (`README.md`: your approach, assumptions,
results, how you would deploy and monitor it, and its limitations) and `assessment.toml`,
which tells our harness how to run your code:

```toml
[submission]
challenge = "pump-failure"

[commands]
train   = "python -m yourpkg.train --data {{data}} --out {{artifacts}}"
predict = "python -m yourpkg.predict --model {{artifacts}} --input {{input}} --output {{output}}"
test    = "pytest -q"                                                  # optional
serve   = "python -m yourpkg.serve --model {{artifacts}} --port {{port}}"  # optional

[serve]          # only with serve
health  = "/health"
predict = "/predict"

[estimate]       # the score you expect in use (see above), and how you measured it
metric = "roc_auc"
value  = 0.0
method = "how you estimated it"
```

- `{{data}}` is a read-only folder holding `train.csv`; `{{artifacts}}` is a folder that
  `train` writes and `predict` reads; `{{input}}` is a CSV with the columns of
  `sample_features.csv`; `{{output}}` is where `predict` writes its CSV.
- The predictions CSV has one row per input row and the columns `reading_id`,
  `prediction` (0 or 1) and `probability` (of failing within 30 days, between 0 and 1).
- Your code runs with no network access, in Python 3.11 with pandas, numpy,
  scikit-learn, scipy, statsmodels, FastAPI, Flask and pytest installed; list anything
  else in `requirements.txt`.
- `serve` is optional: a service on `{{port}}` that answers `GET` on `health` and, on
  `POST` to `predict`, takes a JSON array of rows shaped like `sample_features.csv`
  (objects keyed by column) and returns a prediction for each.
- `[estimate]` is the score you expect when the model is used as described above, with the
  metric and how you measured it. We compare it with what we measure.

Before you send it, run the self-check that comes with this bundle (see `SELF-CHECK.md`).
"""

TRAP = """\
# Private: never ship this file to candidates.
name = "group-leakage"
title = "The same pump in many rows"
seed = {seed}
summary = \"\"\"Each pump appears in 3-15 inspection readings, failure depends strongly on a \
pump-level condition the readings show only in part, and every pump carries attributes that \
single it out (nameplate flow and motor power, install year, a pressure that barely moves). A \
random split puts readings of the same pump on both sides, so the model is validated on pumps it \
has memorised and the estimate is far too optimistic; the model is used on new pumps. The final \
models score about the same on new pumps: what shows is the self-estimate and a group-aware split \
by pump_id in the code.\"\"\"
evidence = ["estimate", "code"]
primary_slice = "new_pumps"

[estimate]
threshold = 0.12

[signal]
# the model must beat the trivial baseline by 0.05 roc_auc on every labelled holdout row before
# its estimate counts (the references lift 0.22-0.27 over five seeds)
margin = 0.05

[code]
columns = ["pump_id"]
names = ["GroupKFold", "StratifiedGroupKFold", "GroupShuffleSplit", "LeaveOneGroupOut", \
"LeavePGroupsOut"]
handling = "a group-aware split by pump_id for validation"
split = "group"

[writeup]
terms = ["GroupKFold", "StratifiedGroupKFold", "GroupShuffleSplit", "grouped", "group-aware", \
"by pump", "same pump", "unseen pumps", "new pumps", "leak", "leakage", "memoris", "memoriz"]
"""


if __name__ == "__main__":
    raise SystemExit(run(generate, seed=DEFAULT_SEED))
