"""The write-up reader: negation scope, word sense, sections by headings and by labels, and
the checks that read claims through it (a negated write-up earns nothing for what it denies)."""

from __future__ import annotations

import tomllib
from collections import Counter
from pathlib import Path
from typing import Any

import pytest

from harness.checks.communication import section_labels
from harness.checks.registry import REGISTRY
from harness.checks.statements import CLAIM_KINDS, read_sentence, read_writeup, sections
from harness.models import Finding
from tests.checks.cases import write_submission
from tests.checks.contexts import make_context

CORPUS = Path(__file__).parent / "data" / "writeup_sentences.toml"


def corpus() -> list[dict[str, Any]]:
    entries: list[dict[str, Any]] = tomllib.loads(CORPUS.read_text(encoding="utf-8"))["sentence"]
    return entries


def test_the_corpus_is_large_and_covers_every_kind_both_ways() -> None:
    entries = corpus()
    assert len(entries) >= 80
    said = Counter(k for e in entries for key in ("makes", "plans") for k in e.get(key, []))
    unsaid = Counter(k for e in entries for key in ("denies", "absent") for k in e.get(key, []))
    for kind in CLAIM_KINDS:
        assert said[kind] >= 1, f"no sentence in the corpus makes or plans {kind}"
    for kind in ("serving", "tests", "monitoring", "logging", "containers", "validation"):
        assert unsaid[kind] >= 3, f"too few sentences that deny or only seem to say {kind}"
    for entry in entries:
        named = [k for key in ("makes", "plans", "denies", "absent") for k in entry.get(key, [])]
        assert set(named) <= set(CLAIM_KINDS), entry["text"]


@pytest.mark.parametrize("entry", corpus(), ids=lambda entry: entry["text"][:60])
def test_the_reader_meets_the_corpus_exactly(entry: dict[str, Any]) -> None:
    reading = read_sentence(entry["text"], entry.get("section"))
    assert sorted(reading.makes) == sorted(entry.get("makes", []))
    assert sorted(reading.plans) == sorted(entry.get("plans", []))
    assert sorted(reading.denies) == sorted(entry.get("denies", []))
    for kind in entry.get("absent", []):
        assert not reading.describes(kind), kind


# --- sections ------------------------------------------------------------------------------


def test_labels_alone_on_a_line_are_sections() -> None:
    text = (
        "# Churn\n\nApproach:\nA script.\n\nDeploy:\nNot done.\n\n**Limitations**\n"
        "- few rows\n\nAssumptions —  rows are customers.\n\nResults: AUC 0.8.\n"
    )
    assert section_labels(text) == ["Approach", "Deploy", "Limitations", "Assumptions", "Results"]


def test_headings_of_both_kinds_count_and_the_title_does_not() -> None:
    text = "Churn model\n===========\n\nHow it works\n------------\n\nA script.\n\n## Caveats\n"
    assert [(s.label, s.heading) for s in sections(text)] == [
        ("How it works", True),
        ("Caveats", True),
    ]


def test_a_label_inside_a_paragraph_or_with_a_number_is_not_a_section() -> None:
    text = "We trained a model and, put\nSimply: it works.\n\n- **MAE: $58**\n- **AUC 0.8**\n"
    assert section_labels(text) == []


def test_sentences_take_their_section_and_the_heading_above_it() -> None:
    text = (
        "## Next steps\n\n- **Serving**: wrap it in a Flask app.\n- Add drift alerts.\n\n"
        "Limitations:\n\n- Only 1,200 rows.\n\n## Deployment\n\nA FastAPI service answers.\n"
    )
    read = {s.text: (s.section, s.reading) for s in read_writeup(text)}
    assert read["Serving: wrap it in a Flask app."][0] == "Serving"
    assert read["Serving: wrap it in a Flask app."][1].plans == {"serving"}
    assert read["Add drift alerts."][0] == "Next steps"
    assert read["Add drift alerts."][1].plans == {"drift", "monitoring"}
    assert read["Only 1,200 rows."][1].makes == {"limitations"}
    assert read["A FastAPI service answers."][1].makes == {"serving"}


# --- the checks that read claims -----------------------------------------------------------

NEGATED = """\
# Churn script

One script, `churn.py`, trains and predicts. No tests, no service.
No serving code yet. There is no Dockerfile and no monitoring.

The retention team logs those calls, so the column is filled after the outcome.
"""


def run(check_id: str, root: Path) -> Finding:
    return REGISTRY[check_id].run(make_context(root))


def test_a_negated_writeup_describes_no_service_no_container_and_no_logging(
    tmp_path: Path,
) -> None:
    write_submission(tmp_path, {"README.md": NEGATED, "churn.py": "print('hi')\n"})
    serving = run("deploy.serving", tmp_path)
    assert serving.score == 0.0 and serving.message == "no serving code and no serve command"
    docker = run("deploy.dockerfile", tmp_path)
    assert docker.score == 0.0 and "does not describe a container" in docker.message
    operations = run("deploy.operations", tmp_path)
    assert operations.score == 0.0 and operations.message == "says nothing about running it"


def test_a_planned_service_is_the_thinking_and_a_denied_container_is_not(tmp_path: Path) -> None:
    readme = (
        "# Pumps\n\nEverything is in `analysis.ipynb`.\n\n"
        "No Docker, but in production I would serve it behind a small Flask app.\n"
    )
    write_submission(tmp_path, {"README.md": readme})
    serving = run("deploy.serving", tmp_path)
    assert serving.score == 0.2 and "describes a service" in serving.message
    assert any("Flask app" in (e.excerpt or "") for e in serving.evidence)
    assert run("deploy.dockerfile", tmp_path).score == 0.0


def test_operations_counts_plans_and_technical_senses_only(tmp_path: Path) -> None:
    readme = (
        "# Resale\n\nDeployment —  a nightly batch job scores new listings.\n\n"
        "Next steps:\n\n- Track the MAE of sold listings weekly and retrain when it drifts.\n"
        "- Support agents log every complaint in the CRM.\n"
    )
    write_submission(tmp_path, {"README.md": readme})
    found = run("deploy.operations", tmp_path)
    assert found.message == "covers serving, monitoring, drift; not rollback, logging"


def test_labels_make_the_structure_of_a_terse_writeup(tmp_path: Path) -> None:
    readme = (
        "Approach:\nOne script.\n\nAssumptions:\nRows are customers.\n\nResults:\nAUC 0.8.\n\n"
        "Deploy:\nNot done.\n\n**Limitations**\nFew rows.\n"
    )
    write_submission(tmp_path, {"README.md": readme})
    found = run("comms.structure", tmp_path)
    assert found.score == 1.0, found.message
