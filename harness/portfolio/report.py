"""Render a portfolio review as one self-contained HTML file, and write it atomically.

The take-home report's rules: jinja2 with autoescape and strict undefined, the report's
`finalize` hook (control and bidi characters dropped from every printed value), the report's
macros, flags and follow-up templates, its stylesheet and its print rules (A4), then a few
rules of the portfolio's own. No script, no font, no image, nothing from the network.
"""

from __future__ import annotations

from functools import cache
from importlib import resources
from pathlib import Path

import jinja2
from markupsafe import Markup

from harness.files import write_text
from harness.portfolio.model import PortfolioResult
from harness.portfolio.view import build_view
from harness.report.render import printable_value, stylesheet

TEMPLATE = "portfolio.html.j2"
STYLESHEET = "portfolio.css"
REPORT_NAME = "report.html"


@cache
def environment() -> jinja2.Environment:
    return jinja2.Environment(
        loader=jinja2.ChoiceLoader(
            [
                jinja2.PackageLoader("harness.portfolio", "templates"),
                jinja2.PackageLoader("harness.report", "templates"),
            ]
        ),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        finalize=printable_value,
    )


def portfolio_css() -> Markup:
    """The report's stylesheet, then the portfolio's rules: our files, never input."""
    own = resources.files("harness.portfolio").joinpath("static", STYLESHEET)
    return stylesheet() + Markup("\n") + Markup(own.read_text(encoding="utf-8"))


def render_portfolio(result: PortfolioResult) -> str:
    return environment().get_template(TEMPLATE).render(view=build_view(result), css=portfolio_css())


def write_portfolio_report(result: PortfolioResult, out: Path) -> Path:
    """Render and write `out` atomically: a failed render or write leaves no file behind."""
    return write_text(out, render_portfolio(result))
