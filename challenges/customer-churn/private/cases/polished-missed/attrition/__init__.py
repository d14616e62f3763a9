"""attrition: gradient-boosted churn risk scores for the retention team."""

__version__ = "1.2.0"
