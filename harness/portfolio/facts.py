"""Facts about a repository that a follow-up question may take as its premise.

A question is read aloud to the candidate: "The Dockerfile misses things" must never be said
about a repository with no Dockerfile, and "where do the models this code trains live" never
about code that trains none. Each fact is computed here, once, from what the review saw,
recorded in `result.json` under `facts`, and a bank entry whose `requires` are not all true
(or whose `unless` is) is not asked.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping

from harness.checks.source import notebook_trees, trains_a_model
from harness.portfolio.repo import Repo

PORTFOLIO_FACTS: Mapping[str, str] = {
    "readme": "the repository has a README at its top",
    "dockerfile": "the tree holds a Dockerfile (or Containerfile)",
    "tests": "the repository holds pytest test files",
    "tests_ran": "its tests ran in the sandbox",
    "python_modules": "it holds Python modules outside its tests",
    "notebooks": "it holds notebooks",
    "serving": "its code makes a web application with routes",
    "trains_model": "its code or notebooks fit or train a model",
    "ci": "it holds a CI configuration",
    "history": "it has more than one commit",
}
"""Every fact a question may name in `requires` or `unless`, and what it means."""
MORE_CI_FILES = (
    ".travis.yml", "bitbucket-pipelines.yml", ".drone.yml", "appveyor.yml",
    ".buildkite/pipeline.yml", ".woodpecker.yml",
)  # fmt: skip
"""CI configurations the inventory does not list (it knows GitHub, GitLab, CircleCI, Azure,
Jenkins)."""


def repository_facts(repo: Repo) -> dict[str, bool]:
    """Each fact of `PORTFOLIO_FACTS`, true or false, for this repository."""
    return {name: bool(rule(repo)) for name, rule in RULES.items()}


def _dockerfile(repo: Repo) -> bool:
    names = (p.rsplit("/", 1)[-1].lower() for p in repo.paths)
    return any(
        n.startswith(("dockerfile", "containerfile")) or n.endswith(".dockerfile") for n in names
    )


def _trains(repo: Repo) -> bool:
    """A `.fit(...)`-like call in the non-test code or in a notebook's code cells."""
    return trains_a_model([*(s.tree for s in repo.shipped), *notebook_trees(repo.context)])


def ci_files(repo: Repo) -> list[str]:
    """The CI configurations: those the inventory lists (pre-commit's is not CI) and those
    it does not know, by their exact path."""
    listed = [p for p in repo.context.inventory.ci_files if "pre-commit" not in p]
    return listed + [path for path in MORE_CI_FILES if path in repo.paths]


RULES: Mapping[str, Callable[[Repo], object]] = {
    "readme": lambda repo: repo.context.inventory.writeup is not None,
    "dockerfile": _dockerfile,
    "tests": lambda repo: repo.context.inventory.test_files,
    "tests_ran": lambda repo: repo.suite.stage.verdict != "not_run",
    "python_modules": lambda repo: repo.shipped,
    "notebooks": lambda repo: repo.context.inventory.notebooks,
    "serving": lambda repo: repo.serving.routes,
    "trains_model": _trains,
    "ci": lambda repo: ci_files(repo),
    "history": lambda repo: repo.history.commits > 1,
}
