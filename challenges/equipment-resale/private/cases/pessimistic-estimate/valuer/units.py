"""Every channel's original_price in dollars.

The dealer feed reports list prices in cents (its resale-to-list ratio is a hundredth of the
other channels'); marketplace and auction report dollars. Unknown channels are assumed to be
in dollars and logged.
"""
import logging

import pandas as pd

CENTS_PER_UNIT = {"marketplace": 1, "auction": 1, "dealer_feed": 100}
log = logging.getLogger(__name__)


def list_price_dollars(frame: pd.DataFrame) -> pd.Series:
    source = frame["source"].astype(str).str.strip().str.lower().str.replace(" ", "_")
    unknown = sorted(set(source) - set(CENTS_PER_UNIT))
    if unknown:
        log.warning("channels with no known unit, read as dollars: %s", unknown)
    return frame["original_price"] / source.map(CENTS_PER_UNIT).fillna(1)
