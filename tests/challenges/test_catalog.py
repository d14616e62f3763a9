"""Finding challenges, reading their files, regenerating them byte for byte, packing bundles."""

from __future__ import annotations

import csv
import shutil
import zipfile
from pathlib import Path

import pytest

from harness.challenges.bundle import find_leaks, pack
from harness.challenges.catalog import BUNDLED, ENV_VAR, load_catalog
from harness.challenges.generation import compare, generate
from harness.challenges.model import Challenge, load_challenge, load_trap
from harness.challenges.scaffold import scaffold
from harness.errors import HarnessError
from harness.rubric import load_rubric

TABULAR_IDS = ("customer-churn", "equipment-resale", "pump-failure")
"""The challenges whose traps show in predictions (slices, probes, estimate, code)."""
BUNDLED_IDS = (*TABULAR_IDS, "support-tickets")
"""Every bundled challenge; support-tickets' trap shows in what its model API receives."""


def copy_challenge(challenge_id: str, parent: Path) -> Challenge:
    """A copy of a bundled challenge (without its references) that a test may break."""
    target = parent / challenge_id
    ignore = shutil.ignore_patterns("reference", "__pycache__")
    shutil.copytree(BUNDLED / challenge_id, target, ignore=ignore)
    return load_challenge(target)


def test_the_four_bundled_challenges_are_listed() -> None:
    catalog = load_catalog()
    assert set(catalog.challenges) == set(BUNDLED_IDS)
    tasks = {c.task for c in catalog.challenges.values()}
    assert tasks == {"classification", "regression"}


@pytest.mark.parametrize("challenge_id", BUNDLED_IDS)
def test_each_bundled_challenge_regenerates_byte_for_byte(
    challenge_id: str, tmp_path: Path
) -> None:
    challenge = load_catalog().get(challenge_id)
    drift = compare(challenge, generate(challenge, tmp_path / "fresh"))
    assert drift.none, drift
    trap = load_trap(challenge)
    assert trap.evidence and load_rubric(challenge.rubric_path).challenge == challenge_id


def test_a_changed_missing_or_extra_file_is_drift(tmp_path: Path) -> None:
    challenge = copy_challenge("customer-churn", tmp_path)
    train = challenge.folder / "public" / "data" / "train.csv"
    train.write_bytes(train.read_bytes().replace(b"North", b"Nord", 1))
    (challenge.folder / "private" / "holdout" / "probes.csv").unlink()
    (challenge.folder / "public" / "notes.txt").write_text("stale\n")
    drift = compare(challenge, generate(challenge, tmp_path / "fresh"))
    assert drift.changed == ("public/data/train.csv",)
    assert drift.missing == ("private/holdout/probes.csv",)
    assert drift.extra == ("public/notes.txt",)


def test_another_seed_gives_other_data(tmp_path: Path) -> None:
    challenge = load_catalog().get("customer-churn")
    fresh = generate(challenge, tmp_path / "other", seed=7)
    assert compare(challenge, fresh).changed


def test_the_search_path_puts_a_teams_folder_first(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    private = tmp_path / "team"
    private.mkdir()
    copy = copy_challenge("customer-churn", private)
    toml = copy.folder / "challenge.toml"
    toml.write_text(toml.read_text().replace('version = "1"', 'version = "7-private"'))
    monkeypatch.setenv(ENV_VAR, str(private))
    catalog = load_catalog()
    assert catalog.get("customer-churn").version == "7-private"
    assert catalog.shadowed["customer-churn"] == (BUNDLED / "customer-churn",)
    assert catalog.roots[-1] == BUNDLED


def test_a_missing_challenges_folder_or_id_is_one_clear_line(tmp_path: Path) -> None:
    with pytest.raises(HarnessError, match="no such challenges folder"):
        load_catalog([tmp_path / "nope"])
    with pytest.raises(HarnessError, match=r"no challenge 'nope' .*known: customer-churn"):
        load_catalog().get("nope")


@pytest.mark.parametrize(
    ("edit", "message"),
    [
        (('task = "classification"', 'task = "clustering"'), "challenge.toml: task:"),
        (("metrics = [", "metrics = [] #"), "challenge.toml: metrics:"),
        (("memory = 2048 }", "memory = -1 }"), "challenge.toml: limits:"),
        (('id = "customer-churn"', 'id = "Customer Churn"'), "challenge.toml: id:"),
    ],
)
def test_a_broken_challenge_toml_names_the_file_and_key(
    tmp_path: Path, edit: tuple[str, str], message: str
) -> None:
    challenge = copy_challenge("customer-churn", tmp_path)
    toml = challenge.folder / "challenge.toml"
    toml.write_text(toml.read_text().replace(*edit))
    with pytest.raises(HarnessError, match=message):
        load_challenge(challenge.folder)


def test_without_its_private_side_a_challenge_says_how_to_regenerate(tmp_path: Path) -> None:
    challenge = copy_challenge("customer-churn", tmp_path)
    shutil.rmtree(challenge.folder / "private")
    with pytest.raises(HarnessError, match="no private side here") as raised:
        load_trap(challenge)
    assert "generate.py" in raised.value.one_line()


@pytest.mark.parametrize("challenge_id", BUNDLED_IDS)
def test_a_packed_bundle_holds_no_byte_of_any_private_file(
    challenge_id: str, tmp_path: Path
) -> None:
    challenge = load_catalog().get(challenge_id)
    out = tmp_path / "bundle.zip"
    names = pack(challenge, out)
    with zipfile.ZipFile(out) as archive:
        contents = {i.filename: archive.read(i) for i in archive.infolist()}
    assert sorted(contents) == sorted(f"{challenge_id}/{name}" for name in names)
    standin = {"model_api_standin.py"} if challenge_id == "support-tickets" else set()
    assert {"brief.md", "data/train.csv", "data/sample_features.csv", "assessment.toml",
            "challenge.toml", "SELF-CHECK.md", *standin} == set(names)  # fmt: skip
    private = [p.read_bytes() for p in challenge.private.rglob("*") if p.is_file()]
    for content in contents.values():
        assert not any(secret in content for secret in private if secret)
        for line in _holdout_lines(challenge):
            assert line not in content
    assert find_leaks(challenge, contents) == []
    first = out.read_bytes()
    pack(challenge, out)
    assert out.read_bytes() == first, "packing twice gives different bytes"


def _holdout_lines(challenge: Challenge) -> list[bytes]:
    """Every data line of the private holdout files that starts with a holdout id (a text
    field may span lines: its other lines are the ticket's words, not the holdout's)."""
    lines = []
    for name in ("features.csv", "labels.csv"):
        path = challenge.private / "holdout" / name
        with path.open(newline="", encoding="utf-8") as stream:
            ids = {row[0].encode() for row in list(csv.reader(stream))[1:] if row}
        lines += [line for line in path.read_bytes().splitlines()[1:]
                  if line.split(b",")[0].strip(b'"') in ids]  # fmt: skip
    return lines


def test_pack_refuses_a_bundle_that_would_leak_a_holdout_id(tmp_path: Path) -> None:
    challenge = copy_challenge("customer-churn", tmp_path)
    holdout_id = (challenge.private / "holdout" / "labels.csv").read_text().splitlines()[1]
    brief = challenge.public / "brief.md"
    brief.write_text(brief.read_text() + f"\nExample: {holdout_id.split(',')[0]}\n")
    out = tmp_path / "bundle.zip"
    with pytest.raises(HarnessError, match=r"refusing to pack customer-churn: brief\.md holds"):
        pack(challenge, out)
    assert not out.exists() and not list(tmp_path.glob("*.partial"))


def test_a_scaffolded_challenge_loads_and_regenerates(tmp_path: Path) -> None:
    files = scaffold("loan-default", tmp_path)
    folder = tmp_path / "loan-default"
    assert folder / "generate.py" in files and folder / "private" / "trap.toml" in files
    challenge = load_catalog([tmp_path]).get("loan-default")
    assert challenge.rubric_path == folder / "rubric.toml"
    assert load_rubric(challenge.rubric_path).challenge == "loan-default"
    assert load_trap(challenge).evidence == ("slices", "probes")
    assert compare(challenge, generate(challenge, tmp_path / "fresh")).none
    assert (folder / "reference" / "naive").is_dir()


def test_scaffolding_never_overwrites(tmp_path: Path) -> None:
    scaffold("loan-default", tmp_path)
    marker = tmp_path / "loan-default" / "generate.py"
    before = marker.read_bytes()
    with pytest.raises(HarnessError, match="already exists"):
        scaffold("loan-default", tmp_path)
    assert marker.read_bytes() == before
    with pytest.raises(HarnessError, match="not a challenge id"):
        scaffold("Loan Default", tmp_path)


@pytest.mark.parametrize(
    ("edit", "message"),
    [
        (("weight = 1\n", "weight = 0\n"), r"correctness\[1\]\.weight"),
        (("[[communication]]", "[[charisma]]"), "charisma: not a dimension"),
        (('id = "runs"', 'id = "Runs!"'), r"correctness\[1\]\.id"),
    ],
)
def test_rubric_errors_name_the_file_and_the_key(
    tmp_path: Path, edit: tuple[str, str], message: str
) -> None:
    source = load_catalog().get("customer-churn").rubric_path
    broken = tmp_path / "rubric.toml"
    broken.write_text(source.read_text().replace(*edit, 1))
    with pytest.raises(HarnessError, match=f"rubric.toml: {message}"):
        load_rubric(broken)


def test_a_dimension_without_criteria_is_an_error(tmp_path: Path) -> None:
    broken = tmp_path / "rubric.toml"
    broken.write_text('challenge = "x"\n')
    with pytest.raises(HarnessError, match="correctness: a dimension with no criteria"):
        load_rubric(broken)
