"""`grade repo` on repositories built with real git: what a reviewer would conclude of each.

A notebooks-only analysis, a deployed service with CI and tests grown over ten months, and a
single-commit dump; each reviewed once (tests not run here: the sandboxed run has its own
Docker test), then held to the flags, scores and questions a first screen would give it.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from harness.portfolio.model import AREA_LABELS, PortfolioResult, Signal
from harness.portfolio.review import ReviewOptions, review_repository
from tests.portfolio import gitrepos

PINS = "fastapi==0.110.0\njoblib==1.3.2\n"


def review(root: Path, out: Path) -> PortfolioResult:
    options = ReviewOptions(out=out, run_tests=False)
    return review_repository(str(root), options, lambda _line: None).result


@pytest.fixture(scope="module")
def reviewed(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, PortfolioResult]]:
    base = tmp_path_factory.mktemp("repos")
    repos = {
        "notebooks": gitrepos.notebooks_only(base / "sales-notebooks"),
        "service": gitrepos.deployed_service(base / "churn-service", PINS),
        "dump": gitrepos.single_commit_dump(base / "pipeline-dump"),
    }
    yield {name: review(repo.root, base / "out") for name, repo in repos.items()}


def signal(result: PortfolioResult, signal_id: str) -> Signal:
    return next(s for s in result.signals if s.id == signal_id)


def flags(result: PortfolioResult, tone: str) -> list[str]:
    return [f.text for f in result.flags if f.tone == tone]


def area(result: PortfolioResult, name: str) -> float:
    score = result.areas[name].score  # type: ignore[index]
    assert score is not None, name
    return score


def test_a_notebooks_only_repository_reads_as_exploration(
    reviewed: dict[str, PortfolioResult],
) -> None:
    result = reviewed["notebooks"]
    notebooks = signal(result, "portfolio.notebooks")
    assert notebooks.state == "notebooks_only" and notebooks.status == "fail"
    assert "100% of the code is in 3 notebooks" in notebooks.message
    assert signal(result, "portfolio.code").status == "skipped"  # judged once, as notebooks
    assert signal(result, "portfolio.serving").state == "none"
    assert signal(result, "portfolio.containers").state == "none"
    assert area(result, "deployment") == 0.0 and area(result, "depth") < 0.25
    depth_red = [t for t in flags(result, "red") if t.startswith(AREA_LABELS["depth"])]
    assert depth_red[0] == "Portfolio depth: notebooks only: 100% of the code is in 3 notebooks"
    assert not [t for t in flags(result, "green") if t.startswith("Production deployment")]
    questions = [q.question for q in result.followup.questions]
    assert 6 <= len(questions) <= 10
    assert not any("Dockerfile" in q or "serves the model" in q for q in questions)
    assert any("notebooks" in q for q in questions) or any("tests" in q for q in questions), (
        questions
    )


def test_a_deployed_service_shows_its_routes_ci_and_history(
    reviewed: dict[str, PortfolioResult],
) -> None:
    result = reviewed["service"]
    serving = signal(result, "portfolio.serving")
    assert serving.state == "serves_model" and serving.score == 1.0
    assert serving.message.startswith("churn/api.py serves the model with FastAPI")
    assert "POST /predict" in serving.message
    expected = {
        "portfolio.containers": "deployed", "portfolio.ci": "runs_tests",
        "portfolio.dependencies": "pinned", "portfolio.precommit": "hooks",
        "portfolio.history": "maintained", "portfolio.first_commit": "grown",
        "portfolio.telemetry": "monitored", "portfolio.binaries": "none",
    }  # fmt: skip
    assert {sid: signal(result, sid).state for sid in expected} == expected
    assert area(result, "deployment") >= 0.85
    assert area(result, "engineering") >= 0.75
    assert area(result, "observability") >= 0.6
    assert result.total is not None and result.total > 0.7
    green = flags(result, "green")
    assert any(t.startswith("Production deployment: churn/api.py serves the model") for t in green)
    red = flags(result, "red")
    assert not [t for t in red if t.startswith(("Production deployment", "Software engineering"))]
    questions = [q.question for q in result.followup.questions]
    assert any(
        q.startswith("churn/api.py serves the model with FastAPI") and "failed in production" in q
        for q in questions
    ), questions
    assert result.facts["serving"] and result.facts["dockerfile"] and result.facts["tests"]


def test_a_single_commit_dump_is_flagged_as_one(reviewed: dict[str, PortfolioResult]) -> None:
    result = reviewed["dump"]
    history = signal(result, "portfolio.history")
    assert history.state == "single_commit" and history.score == 0.0
    first = signal(result, "portfolio.first_commit")
    assert first.state == "dump" and result.history.first_commit_share == 1.0
    assert result.history.commits == 1 and result.history.span_days == 0
    red = flags(result, "red")
    assert red[0] == (
        "Portfolio depth: 100% of today's code arrived in the first commit (committed whole)"
    )
    # the code itself is tidy: the habits the checks see are green, the history is not
    assert any(
        t.startswith("Software engineering habits: Type hints") for t in flags(result, "green")
    )
    assert area(result, "depth") < 0.3


def test_every_review_says_why_take_home_checks_do_not_apply(
    reviewed: dict[str, PortfolioResult],
) -> None:
    for result in reviewed.values():
        statuses = {f.check: f.status for f in result.findings}
        assert statuses["correctness.holdout"] == "skipped"
        assert statuses["trap.behaviour"] == "skipped"
        assert statuses["code.lint"] != "skipped" or not result.facts["python_modules"]
        for finding in result.findings:
            assert "submission" not in finding.message, finding
            assert "challenge runtime" not in finding.message, finding
        skipped = [f for f in result.findings if f.check == "deploy.probe"]
        assert "serve command" in skipped[0].message


def test_the_same_commit_reviews_to_the_same_scores(
    reviewed: dict[str, PortfolioResult], tmp_path: Path
) -> None:
    again = review(gitrepos.deployed_service(tmp_path / "churn-service", PINS).root, tmp_path)
    first = reviewed["service"]
    assert {k: v.score for k, v in again.areas.items()} == {
        k: v.score for k, v in first.areas.items()
    }
    assert [f.text for f in again.flags] == [f.text for f in first.flags]


def test_a_readme_table_naming_production_is_not_read_as_a_claim_of_it(tmp_path: Path) -> None:
    repo = gitrepos.init(tmp_path / "table-readme")
    readme = (
        "# Scorer\n\nA library that scores churn.\n\n"
        "| area | what it covers |\n| --- | --- |\n"
        "| production deployment | the service is deployed to production by the platform team |\n"
    )
    code = "def score(x: float) -> float:\n    return x\n"
    repo.commit("a library", gitrepos.START, {"README.md": readme, "scorer.py": code})
    found = signal(review(repo.root, tmp_path / "out"), "portfolio.readme_production")
    assert found.state != "production", found.message
