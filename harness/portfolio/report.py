"""Render a portfolio review as one self-contained HTML file, and write it atomically.

The take-home report's rules: jinja2 with autoescape and strict undefined, the report's
`finalize` hook (control and bidi characters dropped from every printed value), the report's
macros, flags and follow-up templates, its stylesheet and its print rules (A4), then a few
rules of the portfolio's own. No script, no font, no image, nothing from the network.
"""

from __future__ import annotations

from pathlib import Path

import jinja2
from markupsafe import Markup

from harness.files import write_text
from harness.portfolio.model import PortfolioResult
from harness.portfolio.view import build_view
from harness.report.render import family_environment, family_stylesheet

TEMPLATE = "portfolio.html.j2"
STYLESHEET = "portfolio.css"
REPORT_NAME = "report.html"


def environment() -> jinja2.Environment:
    return family_environment("harness.portfolio")


def portfolio_css() -> Markup:
    """The report's stylesheet, then the portfolio's rules."""
    return family_stylesheet("harness.portfolio", STYLESHEET)


def render_portfolio(result: PortfolioResult) -> str:
    return environment().get_template(TEMPLATE).render(view=build_view(result), css=portfolio_css())


def write_portfolio_report(result: PortfolioResult, out: Path) -> Path:
    """Render and write `out` atomically: a failed render or write leaves no file behind."""
    return write_text(out, render_portfolio(result))
