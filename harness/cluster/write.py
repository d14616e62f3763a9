"""Writing what a cluster worker sent back, on the coordinator: the worker's `result.json`
as it is, once it validates and names the submission that was sent, and its report, or the
report rendered again here when an interviewer's review or the cohort's similarity is beside
it (a regrade keeps them, as a local grading does)."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from pydantic import ValidationError

from harness.cluster.remote import Returned
from harness.errors import HarnessError
from harness.files import write_text
from harness.grading import RESULT_FILE
from harness.models import Result
from harness.report.render import REPORT_NAME, write_report
from harness.report.reviewed import Beside, read_beside


def write_returned(out: Path, sha256: str, returned: Returned, challenges: Sequence[Path]) -> str:
    """Write the files under `out/<sha256>/`; returns `result.json` relative to `out`."""
    try:
        result = Result.from_json(returned.result_json)
    except ValidationError as err:
        raise HarnessError(f"{returned.host} sent back a result.json that is not valid") from err
    if result.submission.id != sha256:
        raise HarnessError(f"{returned.host} sent back the result of another submission")
    folder = out / sha256
    result_file = write_text(folder / RESULT_FILE, returned.result_json)
    beside = read_beside(result_file, result, challenges)
    if beside == Beside():
        write_text(folder / REPORT_NAME, returned.report_html)
    else:
        write_report(result, folder / REPORT_NAME, beside)
    return result_file.relative_to(out).as_posix()
