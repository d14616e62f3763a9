"""Render a result as one self-contained HTML file, and write it atomically.

jinja2 with autoescape on and strict undefined renders the view model (`view.py`); the only
text marked safe is the harness's own stylesheet, inlined so the file opens offline. Every
printed value first loses its control and bidi-control characters (the `finalize` hook). The page
loads nothing: no script, no font, no image, nothing from the network.
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import cache
from importlib import resources
from pathlib import Path

import jinja2
from markupsafe import Markup
from pydantic import ValidationError

from harness.errors import HarnessError
from harness.files import write_text
from harness.models import Result
from harness.report.printable import printable
from harness.report.reviewed import Beside, read_beside
from harness.report.view import build_view

TEMPLATE = "report.html.j2"
STYLESHEET = "report.css"
REPORT_NAME = "report.html"


@cache
def family_environment(package: str = "harness.report") -> jinja2.Environment:
    """The templates of `package` (the report, the cohort page, the portfolio review), then
    the report's own, under the report's rules: autoescape, strict undefined, and every
    printed value through `printable_value`. One place, so the family cannot drift apart."""
    loaders: list[jinja2.BaseLoader] = [jinja2.PackageLoader(package, "templates")]
    if package != "harness.report":
        loaders.append(jinja2.PackageLoader("harness.report", "templates"))
    return jinja2.Environment(
        loader=jinja2.ChoiceLoader(loaders),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        finalize=printable_value,
    )


def _environment() -> jinja2.Environment:
    return family_environment()


def printable_value(value: object) -> object:
    """Every value the templates print, before escaping: control and bidi-control characters
    dropped (`harness.report.printable`), so nothing a candidate wrote can hide or reorder text."""
    if isinstance(value, Markup):
        return Markup(printable(str(value)))  # still our own markup, only characters dropped
    return printable(value) if isinstance(value, str) else value


def stylesheet() -> Markup:
    """The harness's own CSS: the one thing on the page that is not escaped."""
    css = resources.files("harness.report").joinpath("static", STYLESHEET)
    return Markup(css.read_text(encoding="utf-8"))  # our own file, never input


def family_stylesheet(package: str, name: str) -> Markup:
    """The report's stylesheet, then `package`'s own rules (`static/<name>`): our files,
    never input."""
    own = resources.files(package).joinpath("static", name)
    return stylesheet() + Markup("\n") + Markup(own.read_text(encoding="utf-8"))


def render_report(result: Result, beside: Beside | None = None) -> str:
    """The report of one result, as the text of an HTML file; `beside` adds the interviewer's
    review and the cohort's similarity found next to its result.json (`read_beside`)."""
    template = _environment().get_template(TEMPLATE)
    return template.render(view=build_view(result, beside), css=stylesheet())


def write_report(result: Result, out: Path, beside: Beside | None = None) -> Path:
    """Render and write `out` atomically: a failed render or write leaves no file behind."""
    return write_text(
        out, render_report(result) if beside is None else render_report(result, beside)
    )


def read_result(path: Path) -> Result:
    """A `result.json`, validated; a missing, unreadable or invalid file is a HarnessError."""
    try:
        text = path.read_bytes()
    except OSError as err:
        raise HarnessError(f"cannot read {path}: {err.strerror or err}") from err
    try:
        return Result.from_json(text)
    except ValidationError as err:
        raise HarnessError(
            f"{path} is not a valid result.json: {_first_problem(err)}",
            hint="`grade schema` prints what it must look like",
        ) from err


def _first_problem(err: ValidationError) -> str:
    problems = err.errors(include_url=False)
    first = problems[0]
    where = ".".join(str(part) for part in first["loc"]) or "the document"
    more = f" (and {len(problems) - 1} more)" if len(problems) > 1 else ""
    return f"{where}: {first['msg']}{more}"


def rerender(result_json: Path, out: Path | None = None, challenges: Sequence[Path] = ()) -> Path:
    """`grade report`: the report of a saved result, by default beside it as report.html,
    with the interviewer's `review.toml` and the cohort's `similarity.json` found beside it
    (`challenges`: where to look for the rubric the review is checked against)."""
    result = read_result(result_json)
    beside = read_beside(result_json, result, challenges)
    out = out if out is not None else result_json.with_name(REPORT_NAME)
    return write_report(result, out, beside)
