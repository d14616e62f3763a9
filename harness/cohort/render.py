"""Render the cohort page: the report's rules, and the report's own pieces where they fit.

jinja2 with autoescape on, strict undefined and the report's `finalize` hook (control and bidi
characters dropped from every printed value); the report's macros (`_macros.html.j2`) and its
stylesheet, with a few cohort rules after it. No script, no font, nothing from the network.
"""

from __future__ import annotations

from functools import cache
from importlib import resources
from pathlib import Path

import jinja2
from markupsafe import Markup

from harness.cohort.page import PageView
from harness.files import write_text
from harness.report.render import printable_value, stylesheet

TEMPLATE = "cohort.html.j2"
STYLESHEET = "cohort.css"
PAGE_NAME = "cohort.html"


@cache
def _environment() -> jinja2.Environment:
    return jinja2.Environment(
        loader=jinja2.ChoiceLoader(
            [
                jinja2.PackageLoader("harness.cohort", "templates"),
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


def _css() -> Markup:
    """The report's stylesheet, then the cohort's own rules: our files, never input."""
    own = resources.files("harness.cohort").joinpath("static", STYLESHEET)
    return stylesheet() + Markup("\n") + Markup(own.read_text(encoding="utf-8"))


def render_page(view: PageView) -> str:
    return _environment().get_template(TEMPLATE).render(view=view, css=_css())


def write_page(view: PageView, out: Path) -> Path:
    return write_text(out / PAGE_NAME, render_page(view))
