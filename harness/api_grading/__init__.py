"""The model API in a grading: its sidecar beside the stages, the log per stage, the facts."""
