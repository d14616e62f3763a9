"""The metrics of `harness.metrics` in plain numpy, giving scikit-learn's numbers.

scikit-learn and the SciPy it loads are 80 MB of a grading's memory, for a handful of
formulas. Each function here follows scikit-learn 's own steps (the same numpy operations in
the same order, so the same floating-point results, and a ValueError or NaN where it gives
one) for the inputs a grading has: 1-d arrays of finite real numbers (`plain`). Anything
else goes to scikit-learn itself (`harness.metrics`). tests/scorers/ compares the two on
thousands of inputs, exactly.
"""
