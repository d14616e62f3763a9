"""What `grade repo` prints at the end: the areas, the tests, the flags, where the files are.

Text from the repository (its name, a flag's words) goes through the report's `printable`
filter first, so no control or bidi character reaches the terminal.
"""

from __future__ import annotations

import json

from harness.portfolio.model import AREA_LABELS, AREA_NAMES
from harness.portfolio.review import Reviewed
from harness.report.printable import printable

FLAGS_SHOWN = 3


def summary_text(reviewed: Reviewed) -> str:
    result = reviewed.result
    repo = result.repository
    lines = [f"reviewed {printable(repo.name)} at {repo.commit[:12]} ({printable(repo.source)})"]
    for name in AREA_NAMES:
        score = result.areas[name].score if name in result.areas else None
        shown = "not scored" if score is None else f"{round(100 * score):>3}/100"
        lines.append(f"  {AREA_LABELS[name]:<30} {shown}")
    lines.append(f"  tests: {_tests(reviewed)}")
    for tone in ("green", "red"):
        flags = [f for f in result.flags if f.tone == tone]
        lines.append(f"  {tone} flags: {len(flags)}")
        lines += [f"    - {printable(f.text)[:150]}" for f in flags[:FLAGS_SHOWN]]
    lines.append(f"report: {reviewed.report_file}")
    lines.append(f"result: {reviewed.result_file}")
    return "\n".join(lines)


def _tests(reviewed: Reviewed) -> str:
    tests = reviewed.result.tests
    if tests.tests is not None:
        return f"{tests.passed} passed, {tests.failed} failed, {tests.skipped} skipped (sandbox)"
    return f"not counted ({printable(tests.stage.reason or tests.stage.verdict)})"


def summary_json(reviewed: Reviewed) -> str:
    result = reviewed.result
    return json.dumps(
        {
            "result": str(reviewed.result_file),
            "report": str(reviewed.report_file),
            "repository": result.repository.model_dump(mode="json"),
            "areas": {name: area.score for name, area in result.areas.items()},
            "total": result.total,
        },
        indent=2,
    )
