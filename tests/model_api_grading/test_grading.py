"""Real gradings (Docker, the model API's sidecar, its seeded faults) of small submissions
unlike the references: each behaviour is caught by its own finding, quoting the log."""

from __future__ import annotations

import re
import shutil
from pathlib import Path
from typing import Any

import pytest

from harness.challenges.catalog import load_catalog
from harness.errors import ContractError
from harness.grading import Graded, grade_submission
from harness.models import Finding
from harness.pipeline import RunOptions
from tests.model_api import kit
from tests.model_api_grading import submissions
from tests.model_api_grading.challenge import CHALLENGE_ID, write_challenge

pytestmark = pytest.mark.docker
FIELD = re.compile(r'"(\w+)":("[^"]*"|[^,{}\[\]]+)')


@pytest.fixture(scope="module")
def grade(tmp_path_factory: pytest.TempPathFactory, sandbox_image: str) -> Any:
    """Grade a policy's zip once per module (gradings are kept by name)."""
    root = tmp_path_factory.mktemp("api-grading")
    write_challenge(root / "challenges")
    catalog = load_catalog([root / "challenges"])
    done: dict[str, Graded] = {}

    def run(policy: str, contract: str | None = None, name: str = "") -> Graded:
        key = name or policy
        if key not in done:
            zip_path = submissions.write_zip(root / f"{key}.zip", policy, CHALLENGE_ID, contract)
            done[key] = grade_submission(zip_path, RunOptions(catalog=catalog), root / "out",
                                         lambda _: None)  # fmt: skip
        return done[key]

    return run


def finding(graded: Graded, check: str) -> Finding:
    return next(f for f in graded.result.findings if f.check == check)


def log_lines(found: Finding) -> list[dict[str, str]]:
    """The request-log lines a finding quotes, their scalar fields as written (a quoted line
    may be cut at the evidence's cap, so it is read field by field)."""
    return [
        dict(FIELD.findall(e.excerpt or "")) | {"text": e.excerpt or ""}
        for e in found.evidence
        if e.kind == "log"
    ]


def test_a_rules_only_service_is_not_judged_on_what_it_never_did(grade: Any) -> None:
    graded = grade("rules")
    assert graded.result.stages["predict"].verdict == "ok"
    assert graded.result.model_api is not None and graded.result.model_api.chat_requests == 0
    api = [f for f in graded.result.findings if f.check.startswith("api.")]
    assert {f.check for f in api if f.status != "skipped"} == {"api.personal_data"}
    assert finding(graded, "api.personal_data").status == "pass"
    assert all("never called the model API" in f.message for f in api)


def test_a_careful_client_passes_with_the_placeholders_and_its_service(grade: Any) -> None:
    contract = submissions.assessment(
        CHALLENGE_ID, submissions.WITH_PLACEHOLDERS, submissions.SERVE
    ).replace("[estimate]", '[serve]\nhealth = "/health"\npredict = "/predict"\n\n[estimate]')
    graded = grade("careful", contract, name="careful-serve")
    stages = graded.result.stages
    assert stages["predict"].verdict == "ok", stages["predict"].log_head
    assert stages["serve"].verdict == "ok", stages["serve"].reason
    for check in ("api.retry_after", "api.backoff", "api.cache", "api.personal_data"):
        assert finding(graded, check).status == "pass", finding(graded, check).message
    use = graded.result.model_api
    assert use is not None and {w.stage for w in use.windows} >= {"train", "predict", "serve"}
    assert use.facts["cost"].measured["tickets"] == 40


def test_a_retry_storm_is_caught_with_the_429s_it_ignored(grade: Any) -> None:
    found = finding(grade("storm"), "api.backoff")
    assert found.status == "fail" and "retry storm" in found.message
    assert any(line["status"] == "429" for line in log_lines(found))
    assert finding(grade("storm"), "api.retry_after").status == "fail"


def test_a_client_without_a_timeout_is_caught_holding_the_stall(grade: Any) -> None:
    found = finding(grade("no_timeout"), "api.timeout")
    assert found.status == "fail" and "never abandoned" in found.message
    assert [line["fault"] for line in log_lines(found)] == ['"stall"']


def test_a_client_that_ignores_retry_after_is_caught(grade: Any) -> None:
    found = finding(grade("early"), "api.retry_after")
    assert found.status == "fail" and "before it had passed" in found.message
    quoted = log_lines(found)
    assert any(line.get("retry_after", "null") != "null" for line in quoted), quoted


def test_a_client_that_sends_personal_data_is_caught_with_the_canary(grade: Any) -> None:
    found = finding(grade("leaky"), "api.personal_data")
    assert found.status == "fail"
    quoted = " ".join(line["text"] for line in log_lines(found))
    assert any(canary in quoted for canary in kit.CANARIES), quoted


def test_a_challenge_without_a_model_api_refuses_its_placeholders_and_is_unchanged(
    tmp_path: Path, sandbox_image: str
) -> None:
    folder = write_challenge(tmp_path / "challenges")
    (folder / "private" / "model_api.json").unlink()
    catalog = load_catalog([tmp_path / "challenges"])
    contract = submissions.assessment(CHALLENGE_ID, submissions.WITH_PLACEHOLDERS)
    zip_path = submissions.write_zip(tmp_path / "p.zip", "rules", CHALLENGE_ID, contract)
    with pytest.raises(ContractError) as caught:
        grade_submission(zip_path, RunOptions(catalog=catalog), tmp_path / "out", lambda _: None)
    assert "uses {model_api}, which is not a placeholder" in caught.value.one_line()
    assert "{model_api_key}" in caught.value.one_line()
    zip_path = submissions.write_zip(tmp_path / "r.zip", "rules", CHALLENGE_ID)
    graded = grade_submission(zip_path, RunOptions(catalog=catalog), tmp_path / "out",
                              lambda _: None)  # fmt: skip
    assert graded.result.stages["predict"].verdict == "ok"
    assert not [f for f in graded.result.findings if f.check.startswith("api.")]
    assert '"model_api"' not in graded.result_file.read_text()
    shutil.rmtree(tmp_path / "out")


def test_the_local_backend_serves_the_model_api_as_a_process_of_this_machine(
    tmp_path: Path,
) -> None:
    """A candidate's self-check without Docker: the same server on loopback, its log read."""
    write_challenge(tmp_path / "challenges")
    catalog = load_catalog([tmp_path / "challenges"])
    contract = submissions.assessment(CHALLENGE_ID, submissions.WITH_PLACEHOLDERS)
    zip_path = submissions.write_zip(tmp_path / "careful.zip", "careful", CHALLENGE_ID, contract)
    options = RunOptions(catalog=catalog, backend="local")
    graded = grade_submission(zip_path, options, tmp_path / "out", lambda _: None)
    assert graded.result.stages["predict"].verdict == "ok", graded.result.stages["predict"]
    use = graded.result.model_api
    assert use is not None and use.chat_requests > 0
    assert {w.stage for w in use.windows} >= {"train", "predict"}
