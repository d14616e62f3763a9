import pandas as pd


def featurize(df):
    X = pd.DataFrame(index=df.index)
    X["tenure"] = pd.to_numeric(df["tenure_months"].astype(str).str.extract(r"(\d+)")[0], errors="coerce")
    X["charges"] = df["monthly_charges"].clip(upper=500)
    X["tickets"] = df["support_tickets"]
    X["senior"] = df["senior"]
    X["retention_calls"] = df["retention_calls"]
    c = df["contract"].str.lower()
    X["monthly_contract"] = c.str.contains("m2m|month").astype(int)
    X["two_year"] = c.str.contains("two|2 year|24").astype(int)
    X["echeck"] = df["payment_method"].str.lower().str.contains("check|e-check").astype(int)
    return X.fillna(-1)
