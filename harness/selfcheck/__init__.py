"""The candidate's self-check: `grade check DIR`, the public checks only.

It runs a submission folder the way grading will (the same contract, the same intake, the
same sandbox stages in the same image where Docker is available) but reads only the public
side of a challenge: `challenge.toml` and its training data and sample features. It never
opens `private/`, the rubric or the references, so nothing of the trap, the holdout or the
scoring can reach its output.
"""
