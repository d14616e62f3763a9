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
differs is the self-estimate and the code. Holdout slices: `new_pumps` (pumps that are not in
train.csv: the honest score) and a small `seen_pumps` (later readings of training pumps, for
the report). No probe pairs: this trap does not show in single features.
"""

from __future__ import annotations

from harness.challenges.datagen import Holdout, Output, Rng, Row, fixed, run, sigmoid

DEFAULT_SEED = 7301
TRAIN_PUMPS = 150
NEW_PUMPS = 130
SEEN_PUMPS = 60
SAMPLE_PUMPS = 6
SAMPLE_ROWS = 25
MIN_READINGS = 3
MAX_READINGS = 15
CURRENT_YEAR = 2024

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


def pump(rng: Rng) -> Row:
    """One pump: its static attributes, its hidden condition and its sensor baselines."""
    model = rng.choice(list(MODELS), MODEL_WEIGHTS)
    install_year = rng.integer(1990, 2021)
    age = CURRENT_YEAR - install_year
    hidden = rng.normal(0.0, 2.3)  # wear no sensor measures: the pump-level factor
    flow = min(max(rng.lognormal(110.0, 0.45), 20.0), 480.0)
    return {
        "model": model,
        "site": rng.choice(SITES),
        "install_year": install_year,
        "rated_flow_m3h": round(flow, 1),
        "motor_kw": round(max(flow * rng.uniform(0.07, 0.11), 2.2), 1),
        "hidden": hidden,
        "risk": -1.9 + hidden + MODELS[model][0] + 0.05 * (age - 16),
        "vibration_base": max(1.0, 3.2 + 0.12 * hidden + rng.normal(0.0, 0.6)),
        "temp_base": rng.normal(58.0, 5.0),
        "pressure_base": min(max(rng.normal(4.8, 1.3), 1.2), 9.5),
        "hours": rng.integer(0, 18000),
    }


def reading(rng: Rng, unit: Row) -> tuple[Row, int]:
    """The next inspection of a pump (its clean values) and whether it failed within 30 days."""
    unit["hours"] = int(unit["hours"]) + rng.integer(400, 1100)  # type: ignore[call-overload]
    hours = int(unit["hours"])  # type: ignore[call-overload]
    days = rng.integer(5, 420)
    logit = float(unit["risk"]) + 0.00004 * (hours - 12000) + 0.002 * (days - 180)  # type: ignore[arg-type]
    failed = 1 if rng.chance(sigmoid(logit)) else 0
    vibration = float(unit["vibration_base"]) + 0.4 * failed + rng.normal(0.0, 0.6)  # type: ignore[arg-type]
    row: Row = {
        "model": unit["model"],
        "site": unit["site"],
        "install_year": unit["install_year"],
        "rated_flow_m3h": unit["rated_flow_m3h"],
        "motor_kw": unit["motor_kw"],
        "runtime_hours": hours,
        "days_since_service": days,
        "vibration_mm_s": max(0.3, vibration),
        "bearing_temp_c": float(unit["temp_base"]) + 1.5 * failed + rng.normal(0.0, 2.5),  # type: ignore[arg-type]
        "discharge_pressure_bar": float(unit["pressure_base"]) + rng.normal(0.0, 0.12),  # type: ignore[arg-type]
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
    hours = int(row["runtime_hours"])  # type: ignore[call-overload]
    if rng.chance(0.05):
        out["runtime_hours"] = f"{hours:,}"
    elif rng.chance(0.02):
        out["runtime_hours"] = rng.choice(["unknown", "n/a", f"{hours} h"])
    if rng.chance(0.02):
        out["days_since_service"] = None
    vibration = float(row["vibration_mm_s"])  # type: ignore[arg-type]
    out["vibration_mm_s"] = None if rng.chance(0.03) else fixed(vibration)
    if rng.chance(0.006):
        out["vibration_mm_s"] = "999.9"
    temp = float(row["bearing_temp_c"])  # type: ignore[arg-type]
    out["bearing_temp_c"] = None if rng.chance(0.05) else fixed(temp, 1)
    if rng.chance(0.004):
        out["bearing_temp_c"] = "-40.0"
    pressure = float(row["discharge_pressure_bar"])  # type: ignore[arg-type]
    out["discharge_pressure_bar"] = None if rng.chance(0.02) else fixed(pressure)
    return out


def readings(rng: Rng, unit: Row, pump_id: str, count: int) -> list[tuple[Row, int]]:
    """`count` successive inspections of one pump, as exported."""
    out = []
    for _ in range(count):
        row, failed = reading(rng, unit)
        out.append(({**messy(rng, row), PUMP: pump_id}, failed))
    return out


def pumps(rng: Rng, count: int) -> list[tuple[str, Row]]:
    return list(zip(rng.opaque_ids(count, "PU"), [pump(rng) for _ in range(count)], strict=True))


def training_rows(rng: Rng, fleet: list[tuple[str, Row]]) -> list[Row]:
    rows: list[Row] = []
    for pump_id, unit in fleet:
        for row, failed in readings(rng, unit, pump_id, rng.integer(MIN_READINGS, MAX_READINGS)):
            rows.append({**row, TARGET: failed})
    ordered = rng.shuffled(rows)
    for row, row_id in zip(ordered, rng.opaque_ids(len(ordered), "rd"), strict=True):
        row[ID] = row_id
    return ordered


def holdout(rng: Rng, fleet: list[tuple[str, Row]]) -> Holdout:
    data = Holdout(ID, TARGET)
    for pump_id, unit in pumps(rng, NEW_PUMPS):
        for row, failed in readings(rng, unit, pump_id, rng.integer(MIN_READINGS, MAX_READINGS)):
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
    out.text("public/brief.md", BRIEF.format(rows=len(train)))
    out.text("private/trap.toml", TRAP.format(seed=seed))


BRIEF = """\
PLACEHOLDER {rows}
"""

TRAP = """\
PLACEHOLDER {seed}
"""


if __name__ == "__main__":
    raise SystemExit(run(generate, seed=DEFAULT_SEED))
