"""Churn scorer: cleaning, model, batch CLI and a Flask service."""
