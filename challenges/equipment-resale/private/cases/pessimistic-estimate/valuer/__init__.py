"""valuer: suggested prices for used-equipment listings."""
