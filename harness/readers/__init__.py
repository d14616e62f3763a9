"""Readers for the kinds of file a submission holds: Python, notebooks, requirements, write-up.

Each reader is a pure function from file text to a frozen summary. None of them executes
anything; checks reuse them for evidence.
"""
