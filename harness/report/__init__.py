"""The report: one self-contained HTML page and the 45-minute follow-up guide.

`build_followup` chooses the interview's questions from the question bank by what the
findings show; `render_report` and `write_report` turn a `Result` into the page, through a
view model of plain data (`view.py`) and jinja2 templates with autoescape on.
"""

from __future__ import annotations

from harness.report.followup import build_followup
from harness.report.render import read_result, render_report, rerender, write_report

__all__ = ["build_followup", "read_result", "render_report", "rerender", "write_report"]
