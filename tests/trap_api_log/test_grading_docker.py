"""Real gradings (Docker, the model API's sidecar) of the desk-queries test challenge, whose
trap is judged from what its model API received: a leaky client is not handled, with the log
line as the verdict's evidence; a redacting one is handled by behaviour; a rules-only service
is not measurable, and its verdict's words claim neither handling nor failure."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from harness.challenges.catalog import load_catalog
from harness.grading import Graded, grade_submission
from harness.models import Finding
from harness.pipeline import RunOptions
from tests.model_api import kit
from tests.model_api_grading import submissions
from tests.model_api_grading.challenge import CHALLENGE_ID, write_challenge

pytestmark = pytest.mark.docker
NAMED = "# Router\n\nThe tickets carry personal data, so the client must not leak it.\n"


@pytest.fixture(scope="module")
def grade(tmp_path_factory: pytest.TempPathFactory, sandbox_image: str) -> Any:
    """Grade a policy's zip once per module (kept by name); `readme` replaces the write-up."""
    root = tmp_path_factory.mktemp("trap-api-log")
    write_challenge(root / "challenges")
    catalog = load_catalog([root / "challenges"])
    done: dict[str, Graded] = {}

    def run(policy: str, readme: str | None = None) -> Graded:
        key = policy + ("-named" if readme else "")
        if key not in done:
            zip_path = submissions.write_zip(root / f"{key}.zip", policy, CHALLENGE_ID)
            if readme is not None:
                _replace_readme(zip_path, readme)
            done[key] = grade_submission(zip_path, RunOptions(catalog=catalog), root / "out",
                                         lambda _: None)  # fmt: skip
        return done[key]

    return run


def _replace_readme(zip_path: Path, readme: str) -> None:
    import zipfile

    with zipfile.ZipFile(zip_path) as archive:
        files = {n: archive.read(n) for n in archive.namelist() if n != "README.md"}
    with zipfile.ZipFile(zip_path, "w") as archive:
        for name, data in files.items():
            archive.writestr(name, data)
        archive.writestr("README.md", readme)


def finding(graded: Graded, check: str) -> Finding:
    return next(f for f in graded.result.findings if f.check == check)


def test_a_leaky_client_is_not_handled_with_the_log_line_as_evidence(grade: Any) -> None:
    graded = grade("leaky")
    assert graded.result.stages["predict"].verdict == "ok"
    trap = graded.result.trap
    assert trap.verdict == "missed", trap.summary
    assert trap.summary.startswith("Missed: the model API received planted personal data")
    logged = [e for e in trap.evidence if e.kind == "log"]
    assert logged, trap.evidence
    record = json.loads(logged[0].excerpt or "")
    assert record["canaries"] and set(record["canaries"]) <= set(kit.CANARIES)
    assert logged[0].lines == (logged[0].lines or (0, 0))[:1] * 2  # one line of the log
    behaviour = finding(graded, "trap.behaviour")
    assert behaviour.status == "fail" and "planted personal data" in behaviour.message
    # the code masks (behind a switch it left off): intent, outweighed by what the log shows
    assert finding(graded, "trap.code").status == "pass"


def test_a_leaky_client_that_names_the_problem_noticed_it_only(grade: Any) -> None:
    trap = grade("leaky", NAMED).result.trap
    assert trap.verdict == "noticed_not_handled", trap.summary
    assert "the write-up names" in trap.summary and "received planted personal data" in trap.summary


def test_a_redacting_client_is_handled_by_behaviour(grade: Any) -> None:
    graded = grade("careful")
    trap = graded.result.trap
    assert trap.verdict == "handled", trap.summary
    assert trap.summary.startswith("Handled by behaviour: no planted value reached the model API")
    assert finding(graded, "trap.behaviour").status == "pass"
    assert not [e for e in trap.evidence if e.kind == "log"]


def test_a_rules_only_service_is_not_measurable_by_behaviour(grade: Any) -> None:
    graded = grade("rules")
    trap = graded.result.trap
    assert trap.verdict == "unknown", trap.summary
    assert "never called the model API" in trap.summary
    words = trap.summary.lower()
    assert "handled" not in words.replace("not handled", "") and "fail" not in words
    assert "missed" not in words and "leans" not in words
    assert finding(graded, "trap.behaviour").status == "skipped"
    # its code masks (the client's switch is off, but the code is there): yet with no call to
    # the API, the code cannot make the verdict "handled" either
    assert finding(graded, "trap.code").status == "pass"
    assert graded.result.facts["handled_in_code"] is False
