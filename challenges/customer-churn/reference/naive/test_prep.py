import pandas as pd

from prep import clean


def test_clean_handles_messy_values():
    df = pd.DataFrame(
        {
            "tenure_months": ["12 months", "unknown"],
            "monthly_charges": ["70.5", "9999.99"],
            "contract": ["M2M", "12 months"],
            "payment_method": ["Credit card", "e-check"],
            "support_tickets": [1, 0],
            "region": ["North", None],
            "senior": [0, 1],
            "retention_calls": [0, 2],
        }
    )
    out = clean(df)
    assert out["tenure_months"].tolist()[0] == 12
    assert pd.isna(out["monthly_charges"][1])
    assert out["contract"].tolist() == ["month-to-month", "one year"]
    assert out["payment_method"].tolist() == ["card", "electronic check"]
