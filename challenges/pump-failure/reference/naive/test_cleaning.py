import pandas as pd

from cleaning import clean, to_number


def test_to_number():
    out = to_number(pd.Series(["12,345", "8000 h", "unknown", 3.5]))
    assert out.iloc[0] == 12345
    assert out.iloc[1] == 8000
    assert pd.isna(out.iloc[2])
    assert out.iloc[3] == 3.5


def test_clean_model_spellings():
    df = pd.DataFrame(
        {
            "model": ["AX-100", "ax100", "AX 100"],
            "site": [" Mill Lane", "MILL LANE", None],
            "install_year": [2001, 2001, 2001],
            "rated_flow_m3h": [100, 100, 100],
            "motor_kw": [9, 9, 9],
            "runtime_hours": ["1,000", "2000", "n/a"],
            "days_since_service": [10, 20, 30],
            "vibration_mm_s": [3.1, "999.9", None],
            "bearing_temp_c": [55, -40, 60],
            "discharge_pressure_bar": [4.5, 4.5, 4.6],
        }
    )
    out = clean(df)
    assert out["model"].nunique() == 1
    assert out["site"].tolist() == ["Mill Lane", "Mill Lane", "unknown"]
    assert pd.isna(out["vibration_mm_s"].iloc[1])
    assert pd.isna(out["bearing_temp_c"].iloc[1])
