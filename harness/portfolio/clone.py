"""Getting a repository to review: a local path or a URL, cloned bare into a temporary folder.

The clone is bare (`--bare --no-local --single-branch --template=`): no working tree is checked
out by git, no hook is installed or run, submodules are never fetched, LFS objects never
downloaded, and a local path is read through git's transport like a remote one, so nothing in
its `.git` folder (hooks, config, alternates) is used. Only `https`, `http` and `git` URLs are
cloned; `ssh` would use this machine's keys, `ext::` runs a command, and both are refused. A
clone is stopped at its deadline or once it is over its size cap. A credential in a URL is
never written anywhere: the source is recorded without it.

What cannot be reviewed (no such path, not a repository, a URL that cannot be cloned, a
repository with no commit) is a `RepositoryError` with one line saying what to do.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

from harness.errors import HarnessError
from harness.portfolio.git import Git

CLONE_TIMEOUT_S = 600.0
MAX_CLONE_BYTES = 2 * 1024 * 1024 * 1024
URL_PROTOCOLS = ("https", "http", "git")
SCP_LIKE = re.compile(r"^[\w.-]+@[\w.-]+:")
SCHEME = re.compile(r"^([A-Za-z][A-Za-z0-9+.-]*)://")
HELPER = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*::")
"""git's `<transport>::<address>` (`ext::sh -c ...` runs a command)."""
CREDENTIAL = re.compile(r"(\w+://)[^/@\s]+@")
"""A user name or token in a URL that git printed: dropped before anything shows it."""


class RepositoryError(HarnessError):
    """The repository cannot be reviewed: not found, not a repository, empty, not cloned."""


@dataclass(frozen=True)
class Source:
    """What to clone, as the user gave it, and how it is shown (never with a credential)."""

    target: str
    """What git is given: an absolute path or the URL."""
    shown: str
    name: str
    protocols: tuple[str, ...]
    local: bool


@dataclass(frozen=True)
class Cloned:
    """A bare clone of the repository's default branch."""

    git: Git
    source: Source
    commit: str
    branch: str | None


def parse_source(given: str) -> Source:
    """A local folder or a URL; anything else is a one-line error."""
    scheme = SCHEME.match(given)
    if scheme is None and HELPER.match(given) and not Path(given).exists():
        raise RepositoryError(
            f"{given.split('::', 1)[0]}:: addresses are not cloned (a remote helper runs a "
            "program); only https://, http:// and git:// URLs",
            hint="give the https:// address of the repository",
        )
    if scheme is None and SCP_LIKE.match(given):
        raise RepositoryError(
            f"{given}: ssh addresses are not cloned (they would use this machine's keys)",
            hint="give the https:// address of the repository",
        )
    if scheme is None or scheme.group(1).lower() == "file":
        return _local(Path(urlsplit(given).path if scheme else given))
    protocol = scheme.group(1).lower()
    if protocol not in URL_PROTOCOLS:
        raise RepositoryError(
            f"{shown_url(given)}: {protocol}:// is not cloned; only https://, http:// and git://",
            hint="give the https:// address of the repository",
        )
    shown = shown_url(given)
    return Source(given, shown, _name(urlsplit(given).path), (protocol,), local=False)


def _local(path: Path) -> Source:
    if not path.exists():
        raise RepositoryError(f"{path}: no such folder", hint="give a repository's folder or URL")
    if not path.is_dir():
        raise RepositoryError(
            f"{path}: not a folder", hint="give the folder of a git repository, or its URL"
        )
    resolved = path.resolve()
    return Source(str(resolved), str(resolved), _name(resolved.name), ("file",), local=True)


def shown_url(url: str) -> str:
    """The URL without a user name or password: what result.json and the report show."""
    parts = urlsplit(url)
    host = parts.hostname or ""
    netloc = f"{host}:{parts.port}" if parts.port else host
    return urlunsplit((parts.scheme, netloc, parts.path, "", ""))


def _name(path: str) -> str:
    last = path.rstrip("/").rsplit("/", 1)[-1]
    return last.removesuffix(".git") or "repository"


def clone(source: Source, workdir: Path) -> Cloned:
    """Clone `source` bare into `workdir/repository.git`; what cannot be cloned, or holds no
    commit, raises RepositoryError."""
    home = workdir / "home"
    home.mkdir(parents=True, exist_ok=True)
    dest = workdir / "repository.git"
    git = Git(home=home, protocols=source.protocols)
    done = git.run_capped(
        "clone",
        "--bare",
        "--no-local",
        "--single-branch",
        "--no-recurse-submodules",
        "--template=",
        "--quiet",
        "--",
        source.target,
        str(dest),
        watch=dest,
        max_bytes=MAX_CLONE_BYTES,
        timeout_s=CLONE_TIMEOUT_S,
    )
    if not done.ok:
        raise _not_cloned(source, done.problem())
    bare = Git(home=home, git_dir=dest)
    head = bare.run("rev-parse", "--verify", "--quiet", "HEAD^{commit}")
    if not head.ok:
        raise RepositoryError(
            f"{source.shown}: an empty repository (no commit to review)",
            hint="push some work to it first, or give another repository",
        )
    branch = bare.run("symbolic-ref", "--quiet", "--short", "HEAD")
    return Cloned(bare, source, head.text().strip(), branch.text().strip() or None)


def _not_cloned(source: Source, problem: str) -> RepositoryError:
    problem = CREDENTIAL.sub(r"\1", problem.replace(source.target, source.shown))
    if source.local:
        said = "" if "does not exist" in problem else f" ({problem})"
        return RepositoryError(
            f"{source.shown}: not a git repository{said}",
            hint="give the folder that holds .git, or the repository's URL",
        )
    return RepositoryError(
        f"{source.shown}: cannot be cloned ({problem})",
        hint="check the address, and that the repository is public",
    )
