"""Software engineering habits: CI, pinned dependencies, pre-commit, what is committed.

Four signals here; the take-home checks of tests (with the sandboxed run's trusted counts),
lint, complexity, type hints, structure, hygiene and notebooks count in this area too
(`scoring.py`).
"""

from __future__ import annotations

import re
import tomllib

from harness.checks import evidence
from harness.inventory import DATA_SUFFIXES, MODEL_SUFFIXES
from harness.models import Evidence
from harness.portfolio.facts import ci_files
from harness.portfolio.repo import Repo
from harness.portfolio.signals.depth import plural
from harness.portfolio.signals.registry import Judged, judged, signal
from harness.portfolio.tree import Entry

MiB = 1024 * 1024
RUNS_TESTS = re.compile(
    r"\b(pytest|tox|nox|unittest|make\s+test|npm\s+(run\s+)?test|go\s+test"
    r"|cargo\s+test|mvn\s+test|gradle\w*\s+test|jest)\b"
)
RUNS_CHECKS = re.compile(
    r"\b(ruff|flake8|pylint|black|isort|mypy|pyright|pre-commit|eslint"
    r"|prettier|golangci|clippy|bandit)\b"
)
LOCK_FILES = frozenset(
    {
        "poetry.lock",
        "uv.lock",
        "pipfile.lock",
        "pdm.lock",
        "conda-lock.yml",
        "package-lock.json",
        "yarn.lock",
        "pnpm-lock.yaml",
        "cargo.lock",
        "go.sum",
        "gemfile.lock",
        "composer.lock",
    }
)
HOOK_ID = re.compile(r"^\s*-?\s*id:\s*([\w.-]+)", re.MULTILINE)
TOOL_SECTIONS = ("ruff", "black", "isort", "mypy", "pylint", "flake8", "pyright")
LFS_POINTER = b"version https://git-lfs.github.com/spec/"
LARGE_BYTES = 10 * MiB
SHOWN = 5


@signal("portfolio.ci", area="engineering", title="Continuous integration", weight=1.0)
def ci(repo: Repo) -> Judged:
    """Looks for CI configurations (GitHub Actions, GitLab CI, CircleCI, Azure Pipelines,
    Jenkins, Travis, Bitbucket, Drone, Buildkite, AppVeyor) and what they run, line by line:
    tests (pytest, tox, nox, `make test`, ...), checks (ruff, flake8, mypy, pre-commit, ...).

    Why it matters: CI that runs the tests on every push is the habit that keeps a shared
    codebase working; a workflow that only builds proves less. Score: a CI configuration 0.4,
    running tests 0.4, running linters or type checks 0.2.

    Evidence: each CI file, and the lines that run tests and checks."""
    files = ci_files(repo)
    if not files:
        return judged(
            0.0,
            "none",
            "no configuration of a hosted CI service",
            evidence.text(
                "looked for GitHub Actions, GitLab CI, CircleCI, Azure, "
                "Jenkins, Travis, Bitbucket, Drone, Buildkite, AppVeyor"
            ),
        )
    tests = _lines(repo, files, RUNS_TESTS)
    checks = _lines(repo, files, RUNS_CHECKS)
    score = 0.4 + 0.4 * bool(tests) + 0.2 * bool(checks)
    shown: list[Evidence] = [evidence.file(p, "CI configuration") for p in files[:3]]
    shown += [evidence.snippet(p, n, text) for p, n, text in [*tests[:2], *checks[:1]]]
    runs = [what for what, hit in (("tests", tests), ("linters or type checks", checks)) if hit]
    said = f"CI in {files[0]}" + (
        f" runs {' and '.join(runs)}" if runs else " runs neither tests nor linters"
    )
    return judged(score, "runs_tests" if tests else "builds", said, *shown)


def _lines(repo: Repo, paths: list[str], pattern: re.Pattern[str]) -> list[tuple[str, int, str]]:
    found = []
    for path in paths:
        for number, line in enumerate((repo.text(path) or "").splitlines(), 1):
            if pattern.search(line) and not line.lstrip().startswith("#"):
                found.append((path, number, line.strip()[:200]))
    return found


@signal("portfolio.dependencies", area="engineering", title="Pinned dependencies", weight=0.75)
def dependencies(repo: Repo) -> Judged:
    """Looks at how dependencies are declared and pinned: lock files (poetry.lock, uv.lock,
    Pipfile.lock, package-lock.json, go.sum, ...), `requirements*.txt` pinned to exact
    versions, and the dependencies `pyproject.toml` declares.

    Why it matters: a lock file or exact pins make the program of next month the program
    of today; unpinned requirements are a different program each install. Score: a lock file
    1.0; else the share of requirements pinned; dependencies declared but none pinned 0.3;
    nothing declared 0 (for a repository with Python code).

    Evidence: the lock files, each requirements file with its pins, the pyproject's count."""
    locks = [p for p in repo.paths if p.rsplit("/", 1)[-1].lower() in LOCK_FILES]
    requirements = repo.context.inventory.requirements
    pinned = sum(len(r.summary.pinned) for r in requirements)
    unpinned = sum(len(r.summary.unpinned) for r in requirements)
    declared = _pyproject_dependencies(repo)
    shown = [evidence.file(p, "lock file") for p in locks[:3]]
    shown += [
        evidence.file(r.path, f"{len(r.summary.pinned)} pinned, {len(r.summary.unpinned)} unpinned")
        for r in requirements[:3]
    ]
    if declared:
        shown.append(
            evidence.file(
                "pyproject.toml", f"{plural(declared, 'dependency', 'dependencies')} declared"
            )
        )
    if locks:
        return judged(1.0, "locked", f"dependencies locked in {locks[0]}", *shown)
    if pinned + unpinned:
        share = pinned / (pinned + unpinned)
        state = "pinned" if share >= 0.75 else "unpinned"
        return judged(
            max(share, 0.3),
            state,
            f"{pinned} of {pinned + unpinned} requirements pinned to exact versions",
            *shown,
        )
    if declared:
        return judged(
            0.3,
            "unpinned",
            f"{plural(declared, 'dependency', 'dependencies')} declared in pyproject.toml, "
            "no lock file",
            *shown,
        )
    return judged(
        0.0,
        "none",
        "no dependencies declared (no requirements, pyproject or lock file)",
        evidence.text("no requirements*.txt, pyproject.toml dependencies or lock file"),
    )


def _pyproject_dependencies(repo: Repo) -> int:
    text = repo.text("pyproject.toml")
    try:
        data = tomllib.loads(text) if text else {}
    except tomllib.TOMLDecodeError:
        return 0
    project = data.get("project", {})
    poetry = data.get("tool", {}).get("poetry", {}) if isinstance(data.get("tool"), dict) else {}
    listed = project.get("dependencies", []) if isinstance(project, dict) else []
    poetry_deps = poetry.get("dependencies", {}) if isinstance(poetry, dict) else {}
    return len(listed if isinstance(listed, list) else []) + len(
        [k for k in (poetry_deps if isinstance(poetry_deps, dict) else {}) if k != "python"]
    )


@signal(
    "portfolio.precommit", area="engineering", title="Pre-commit and tool configuration", weight=0.5
)
def precommit(repo: Repo) -> Judged:
    """Looks for `.pre-commit-config.yaml` and its hooks, and for the configuration of code
    tools (ruff, black, isort, mypy, pylint, flake8, pyright) in pyproject.toml, setup.cfg,
    tox.ini or their own files.

    Why it matters: hooks and tool configuration committed with the code mean every
    contributor runs the same checks before a reviewer sees the change. Score: pre-commit
    with hooks 1.0; tools configured, no pre-commit 0.5; neither 0.

    Evidence: the hooks, and where tools are configured."""
    config = ".pre-commit-config.yaml"
    hooks = HOOK_ID.findall(repo.text(config) or "") if config in repo.paths else []
    tools = _configured_tools(repo)
    shown = [evidence.file(config, "hooks: " + ", ".join(hooks[:12]))] if hooks else []
    shown += [evidence.file(path, f"configures {', '.join(names)}") for path, names in tools]
    if hooks:
        return judged(
            1.0,
            "hooks",
            f"pre-commit runs {plural(len(hooks), 'hook')}: {', '.join(hooks[:6])}",
            *shown,
        )
    if tools:
        named = sorted({name for _, names in tools for name in names})
        return judged(
            0.5, "tools", f"tools configured ({', '.join(named)}), no pre-commit hooks", *shown
        )
    return judged(
        0.0,
        "none",
        "no pre-commit hooks and no lint or type-check configuration",
        evidence.text(
            "no .pre-commit-config.yaml; no [tool.ruff], [tool.mypy], ... "
            "in pyproject.toml, setup.cfg or tox.ini"
        ),
    )


def _configured_tools(repo: Repo) -> list[tuple[str, list[str]]]:
    found = []
    for path in ("pyproject.toml", "setup.cfg", "tox.ini"):
        text = repo.text(path) or ""
        names = [t for t in TOOL_SECTIONS if re.search(rf"^\[(tool\.)?{t}\b", text, re.MULTILINE)]
        if names:
            found.append((path, names))
    own = {
        "ruff.toml": "ruff",
        ".ruff.toml": "ruff",
        "mypy.ini": "mypy",
        ".flake8": "flake8",
        ".pylintrc": "pylint",
        "pyrightconfig.json": "pyright",
    }
    found += [(path, [tool]) for path, tool in own.items() if path in repo.paths]
    return found


@signal(
    "portfolio.binaries", area="engineering", title="Models and data committed to git", weight=0.5
)
def binaries(repo: Repo) -> Judged:
    """Looks at what is committed besides code, from the tree's listing (sizes included,
    also of files too large to read): model files (.pkl, .joblib, .pt, .onnx, .safetensors,
    ...), data files over 1 MiB, and any file over 10 MiB; files kept in Git LFS (a pointer
    is committed, the content is never downloaded here) are told apart.

    Why it matters: a model binary committed next to the code has no version, no lineage
    and no registry, and makes every clone heavy; keeping artefacts in LFS, a registry or a
    bucket is the habit of someone who has shipped models. Score: nothing of the kind 1.0,
    only in LFS 0.9, small ones (under 10 MiB altogether) 0.6, more 0.3, over 100 MiB 0.1.

    Evidence: each file with its size."""
    heavy = [e for e in repo.entries if _heavy(e) and not repo.declared.covers(e.path)]
    lfs = _lfs_pointers(repo)
    kept = [e for e in heavy if e.path not in lfs]
    total = sum(e.size or 0 for e in kept)
    shown = [
        evidence.file(e.path, f"{(e.size or 0):,} bytes")
        for e in sorted(kept, key=lambda e: -(e.size or 0))[:SHOWN]
    ]
    shown += [evidence.file(path, "a Git LFS pointer (content not downloaded)") for path in lfs[:3]]
    if not kept:
        if lfs:
            return judged(0.9, "lfs", f"{plural(len(lfs), 'large file')} kept in Git LFS", *shown)
        return judged(
            1.0,
            "none",
            "no model files or large binaries committed",
            evidence.text(
                f"no model or large file among {plural(len(repo.entries), 'entry', 'entries')}"
            ),
        )
    score = 0.6 if total < LARGE_BYTES else 0.3 if total < 100 * MiB else 0.1
    size = f"{total / MiB:,.1f} MiB" if total >= MiB / 10 else f"{total:,} bytes"
    said = f"{plural(len(kept), 'model or data file')} committed to git, {size}: {kept[0].path}"
    return judged(score, "committed", said, *shown)


def _heavy(entry: Entry) -> bool:
    if entry.kind != "blob" or entry.mode == "120000":
        return False
    suffix = "." + entry.path.rsplit(".", 1)[-1].lower() if "." in entry.path else ""
    size = entry.size or 0
    return (
        suffix in MODEL_SUFFIXES or (suffix in DATA_SUFFIXES and size > MiB) or size > LARGE_BYTES
    )


def _lfs_pointers(repo: Repo) -> list[str]:
    """Heavy-named files whose committed content is an LFS pointer (a small text file)."""
    found = []
    for entry in repo.entries:
        if _heavy_name(entry.path) and (entry.size or 0) < 1024:
            text = repo.text(entry.path) or ""
            if text.encode().startswith(LFS_POINTER):
                found.append(entry.path)
    return found


def _heavy_name(path: str) -> bool:
    suffix = "." + path.rsplit(".", 1)[-1].lower() if "." in path else ""
    return suffix in MODEL_SUFFIXES or suffix in DATA_SUFFIXES
