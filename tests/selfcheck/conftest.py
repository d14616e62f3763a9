"""Fixtures of the self-check tests: candidate bundles packed the way a hiring team sends
them, reference solutions copied to tmp, the private strings that must never be printed,
and a record of every path the harness opens while it checks."""

from __future__ import annotations

import csv
import os
import shutil
import sys
import zipfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from harness.challenges import catalog
from harness.challenges.model import load_challenge, load_trap
from harness.cli import cli
from harness.sandbox import docker as engine

ROOT = Path(__file__).parents[2]
CHALLENGES = ROOT / "challenges"
CHALLENGE_IDS = ("customer-churn", "pump-failure", "equipment-resale")
_opened: list[str] | None = None


def _record_opens(event: str, args: tuple[Any, ...]) -> None:
    """An audit hook (they cannot be removed): records paths only while a test asks for it."""
    if _opened is None or event not in ("open", "os.listdir", "os.scandir") or not args:
        return
    if isinstance(args[0], str | bytes | os.PathLike):
        _opened.append(os.fsdecode(args[0]))


sys.addaudithook(_record_opens)


@pytest.fixture(scope="session")
def bundles(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Every challenge's candidate bundle, packed by `grade challenge pack` and unzipped into
    one folder, as a candidate would: no private/, no reference/, no rubric."""
    parent = tmp_path_factory.mktemp("bundles")
    for challenge_id in CHALLENGE_IDS:
        out = parent / f"{challenge_id}.zip"
        result = CliRunner().invoke(cli, ["challenge", "pack", challenge_id, "--out", str(out)])
        assert result.exit_code == 0, result.output
        with zipfile.ZipFile(out) as archive:
            archive.extractall(parent)
        out.unlink()
    return parent


class OpenRecorder:
    """Every path the process opens or lists inside `watching()`."""

    def __init__(self) -> None:
        self.paths: list[str] = []

    @contextmanager
    def watching(self) -> Iterator[None]:
        global _opened
        _opened = self.paths
        try:
            yield
        finally:
            _opened = None


@pytest.fixture
def only_public(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> OpenRecorder:
    """No challenge folder with a private side on the search path (the bundled examples are
    swapped for an empty folder), and a recorder of the paths opened while checking."""
    empty = tmp_path / "no-bundled-challenges"
    empty.mkdir()
    monkeypatch.setattr(catalog, "BUNDLED", empty)
    monkeypatch.delenv(catalog.ENV_VAR, raising=False)
    return OpenRecorder()


@pytest.fixture
def none_of_ours_left(docker_client: Any) -> Iterator[None]:
    """No container or volume of this test process is left behind. (The shared fixture
    `no_leftovers` counts every harness's: other runs may share the engine.)"""
    yield
    ours = {"label": f"{engine.PID_LABEL}={os.getpid()}"}
    containers = docker_client.containers.list(all=True, filters=ours, ignore_removed=True)
    volumes = docker_client.volumes.list(filters=ours)
    assert containers == [] and volumes == [], "the self-check left containers or volumes"


def copy_reference(name: str, dest: Path) -> Path:
    """`customer-churn/naive` copied to `dest`, leaving what a local run left behind."""
    challenge_id, kind = name.split("/")
    source = CHALLENGES / challenge_id / "reference" / kind
    ignore = shutil.ignore_patterns("__pycache__", ".pytest_cache", "artifacts")
    return Path(shutil.copytree(source, dest, ignore=ignore))


def make_sparse(path: Path, size: int) -> None:
    """A file of `size` zero bytes that takes no disk space and no time to make."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("wb") as stream:
        stream.truncate(size)


def private_strings(challenge_id: str, *public: Path) -> list[str]:
    """What only the private side knows: the trap's words and the holdout's ids. Words that
    also appear in the public bundle or the candidate's own files are theirs to print."""
    challenge = load_challenge(CHALLENGES / challenge_id)
    trap = load_trap(challenge)
    words = [trap.name, trap.title, trap.summary, trap.code.handling, *trap.writeup.terms]
    words += [part.strip() for part in trap.summary.split(".") if len(part.strip()) > 20]
    seen = _public_text(public)
    secret = [word for word in words if word and word.lower() not in seen]
    return secret + _holdout_ids(challenge.folder, challenge.id_column)


def _public_text(roots: tuple[Path, ...]) -> str:
    texts = []
    for root in roots:
        for path in root.rglob("*"):
            if path.is_file() and path.stat().st_size < 5_000_000:
                texts.append(path.read_text(encoding="utf-8", errors="replace").lower())
    return "\n".join(texts)


def _holdout_ids(folder: Path, id_column: str) -> list[str]:
    with (folder / "private" / "holdout" / "features.csv").open(newline="") as stream:
        return [row[id_column] for row in csv.DictReader(stream)]


def private_paths() -> list[Path]:
    """Folders the self-check must never open: private sides, references, rubrics."""
    inside = [CHALLENGES / c / part for c in CHALLENGE_IDS for part in ("private", "reference")]
    return [*inside, ROOT / "rubrics"]


def assert_nothing_private(output: str, challenge_id: str, *public: Path) -> None:
    secrets = private_strings(challenge_id, *public)
    trap = load_trap(load_challenge(CHALLENGES / challenge_id))
    assert trap.name in secrets and len(secrets) > 100, "the check would prove nothing"
    leaked = [secret for secret in secrets if secret.lower() in output.lower()]
    assert leaked == [], f"private strings in the self-check's output: {leaked[:5]}"


def assert_opened_nothing_private(opened: list[str]) -> None:
    forbidden = [path.resolve() for path in private_paths()]
    touched = sorted(
        {path for path in opened if any(Path(path).resolve().is_relative_to(root)
                                        for root in forbidden)}
    )  # fmt: skip
    assert touched == [], f"the self-check opened private paths: {touched[:5]}"
