"""churnlab: a random-forest churn scorer."""
