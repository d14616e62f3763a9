"""Render the cohort page: the report's rules, and the report's own pieces where they fit.

jinja2 with autoescape on, strict undefined and the report's `finalize` hook (control and bidi
characters dropped from every printed value); the report's macros (`_macros.html.j2`) and its
stylesheet, with a few cohort rules after it. No script, no font, nothing from the network.
"""

from __future__ import annotations

from pathlib import Path

import jinja2
from markupsafe import Markup

from harness.cohort.page import PageView
from harness.files import write_text
from harness.report.render import family_environment, family_stylesheet

TEMPLATE = "cohort.html.j2"
STYLESHEET = "cohort.css"
PAGE_NAME = "cohort.html"


def _environment() -> jinja2.Environment:
    return family_environment("harness.cohort")


def _css() -> Markup:
    return family_stylesheet("harness.cohort", STYLESHEET)


def render_page(view: PageView) -> str:
    return _environment().get_template(TEMPLATE).render(view=view, css=_css())


def write_page(view: PageView, out: Path) -> Path:
    return write_text(out / PAGE_NAME, render_page(view))
