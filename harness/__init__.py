"""grade: turn an AI/ML take-home submission into evidence for the follow-up interview."""

__version__ = "0.1.0"
