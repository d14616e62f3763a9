import pandas as pd

from pumpwatch.folds import carve_buckets
from pumpwatch.readings import hours, model_family


def test_every_pump_lands_in_one_bucket():
    frame = pd.DataFrame({"pump_id": ["a", "b", "a", "c", "b", "d", "a", "e", "f", "g"]})
    buckets = carve_buckets(frame, k=3)
    assert frame.assign(b=buckets).groupby("pump_id")["b"].nunique().max() == 1


def test_model_spellings_fold_together():
    assert {model_family(s) for s in ["AX-200", "ax-200", "AX200", "AX 100"]} == {"AX"}


def test_hours_with_thousands_separators():
    assert hours("3,441") == 3441.0
    assert hours("unknown") != hours("unknown")
