"""Shared fixtures: a small synthetic fleet of pumps, each inspected several times."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

MODEL_SPELLINGS = {"AX-100": ["AX-100", "ax100", "AX 100"], "BV-40": ["BV-40", "bv-40", "BV40"]}
SITES = ["Riverside", "MILL LANE", " Oakfield", None]


def make_pump_frame(n_pumps: int = 30, seed: int = 0) -> pd.DataFrame:
    """Training rows: 2-6 readings per pump, a pump-level risk, messy cells."""
    rng = np.random.default_rng(seed)
    rows = []
    for pump in range(n_pumps):
        model = str(rng.choice(list(MODEL_SPELLINGS)))
        worn = rng.random() < 0.3
        flow = float(rng.uniform(40, 300))
        for reading in range(int(rng.integers(2, 7))):
            failed = int(rng.random() < (0.7 if worn else 0.1))
            hours = int(rng.integers(100, 30_000))
            rows.append(
                {
                    "reading_id": f"rd-{pump:03d}-{reading}",
                    "pump_id": f"PU-{pump:03d}",
                    "model": rng.choice(MODEL_SPELLINGS[model]),
                    "site": rng.choice(SITES),
                    "install_year": int(rng.integers(1990, 2021)),
                    "rated_flow_m3h": round(flow, 1),
                    "motor_kw": round(flow * 0.09, 1),
                    "runtime_hours": f"{hours:,}" if rng.random() < 0.2 else hours,
                    "days_since_service": int(rng.integers(5, 400)),
                    "vibration_mm_s": np.nan if rng.random() < 0.1 else 3 + failed + rng.normal(),
                    "bearing_temp_c": 58 + 2 * failed + rng.normal(0, 2),
                    "discharge_pressure_bar": 4.5 + rng.normal(0, 0.1),
                    "failed_30d": failed,
                }
            )
    return pd.DataFrame(rows)


@pytest.fixture(scope="session")
def pump_frame() -> pd.DataFrame:
    """Training frame with labels (shared: tests must not change it in place)."""
    return make_pump_frame()


@pytest.fixture(scope="session")
def scoring_frame() -> pd.DataFrame:
    """Prediction input for pumps the model has not seen: no label."""
    return make_pump_frame(n_pumps=8, seed=1).drop(columns="failed_30d").head(20)


def as_records(frame: pd.DataFrame) -> list[dict[str, object]]:
    """Rows as a JSON body would carry them: NaN becomes null."""
    return frame.astype(object).where(frame.notna(), None).to_dict(orient="records")
