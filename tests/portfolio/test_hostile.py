"""A hostile repository is contained: links out of the tree, a huge file, hooks and filters,
a submodule, names and files made to break readers, and a history of 100,000 commits.

Every "never" is checked against a control that shows the trap is real: a plain `git clone`
in the same hostile environment does run the hook and the filter, a recursive clone does ask
the submodule's server, and the markers they leave are what the review must never leave.
"""

from __future__ import annotations

import http.server
import subprocess
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

import pytest

from harness.portfolio.clone import clone, parse_source
from harness.portfolio.history import read_history
from harness.portfolio.review import ReviewOptions, review_repository
from harness.portfolio.tree import list_tree, write_checkout
from tests.portfolio import gitrepos
from tests.portfolio.gitrepos import START, Repo

MiB = 1024 * 1024
SOURCE_HOOKS = ("post-checkout", "post-merge", "post-update", "pre-push", "reference-transaction",
                "post-index-change", "pre-auto-gc", "update", "post-receive")  # fmt: skip
DEEP = "deep/" + "/".join(["d"] * 40) + "/x.py"
BIDI_NAME = "evil\u202etxt.py"


class Recorder(http.server.BaseHTTPRequestHandler):
    """Answers 404 to everything and records what was asked."""

    asked: list[str]

    def do_GET(self) -> None:
        type(self).asked.append(self.path)
        self.send_response(404)
        self.end_headers()

    def log_message(self, *_args: object) -> None:
        pass


@dataclass
class Hostile:
    repo: Repo
    markers: Path
    server_asked: list[str]
    env: dict[str, str]
    """A hostile environment: a user config with a hook folder and a filter that write markers."""

    def marks(self) -> list[str]:
        return sorted(p.name for p in self.markers.iterdir())


@pytest.fixture
def hostile(tmp_path: Path) -> Iterator[Hostile]:
    markers = tmp_path / "markers"
    markers.mkdir()
    Recorder.asked = []
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Recorder)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    url = f"http://127.0.0.1:{server.server_address[1]}/lib.git"
    try:
        yield Hostile(build(tmp_path / "helpful-tools", markers, url), markers, Recorder.asked,
                      hostile_environment(tmp_path, markers))  # fmt: skip
    finally:
        server.shutdown()


def build(root: Path, markers: Path, submodule_url: str) -> Repo:
    repo = gitrepos.init(root)
    repo.write({
        "README.md": "# Helpful tools\n\n<script>alert('x')</script> Tools for data work.\n",
        "app.py": "import os\n\n\ndef main() -> None:\n    print(os.getcwd())\n",
        "conftest.py": f"from pathlib import Path\n\nPath({str(markers / 'conftest')!r}).touch()\n",
        "tests/test_app.py": "def test_app():\n    assert True\n",
        DEEP: "x = 1\n",
        "minus.py": "x = " + "-" * 100_000 + "1\n",
        BIDI_NAME: "print('a name that reads backwards')\n",
        ".gitattributes": "*.py filter=evil\n",
        "huge.bin": b"\0" * (12 * MiB),
        "model.pkl": b"\x80\x04" + b"w" * 200,
        ".gitmodules": f'[submodule "vendor/lib"]\n\tpath = vendor/lib\n\turl = {submodule_url}\n',
    })  # fmt: skip
    (root / "passwd").symlink_to("/etc/passwd")
    (root / "up").symlink_to("../../outside")
    (root / "inside").symlink_to("app.py")
    repo.git("add", "-A")
    repo.git("update-index", "--add", "--cacheinfo", f"160000,{'1' * 40},vendor/lib")
    repo.git("commit", "-q", "-m", "tools", when=START)
    for hook in SOURCE_HOOKS:  # the source's own hooks: a clone must never run them either
        path = root / ".git" / "hooks" / hook
        path.write_text(f"#!/bin/sh\ntouch {markers / ('source-' + hook)}\n")
        path.chmod(0o755)
    return repo


def hostile_environment(tmp_path: Path, markers: Path) -> dict[str, str]:
    """A user whose git config runs a hook on every checkout and a filter on every file."""
    hooks = tmp_path / "user-hooks"
    hooks.mkdir()
    for hook in ("post-checkout", "reference-transaction"):
        (hooks / hook).write_text(f"#!/bin/sh\ntouch {markers / ('hook-' + hook)}\n")
        (hooks / hook).chmod(0o755)
    config = tmp_path / "user.gitconfig"
    config.write_text(
        f"[core]\n\thooksPath = {hooks}\n"
        f'[filter "evil"]\n\tsmudge = "sh -c \'touch {markers / "filter"}; cat\'"\n'
        "\tclean = cat\n"
    )
    return {"GIT_CONFIG_GLOBAL": str(config), "HOME": str(tmp_path)}


def quiet(_line: str) -> None:
    pass


def plain_git(env: dict[str, str], *args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    full = {"PATH": "/usr/bin:/bin", **env}
    return subprocess.run(["git", *args], cwd=cwd, env=full, capture_output=True, text=True,
                          check=False)  # fmt: skip


def test_the_traps_are_real_for_a_plain_clone(hostile: Hostile, tmp_path: Path) -> None:
    """The control: what the review must never do, a plain clone does."""
    done = plain_git(hostile.env, "clone", "-q", str(hostile.repo.root), "plain", cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert {"filter", "hook-post-checkout"} <= set(hostile.marks())
    recursive = plain_git(hostile.env, "-c", "protocol.http.allow=always", "-c",
                          "protocol.file.allow=always", "clone", "-q", "--recurse-submodules",
                          str(hostile.repo.root), "recursive", cwd=tmp_path)  # fmt: skip
    assert recursive.returncode != 0  # the submodule's server answers 404...
    assert any("lib.git" in path for path in hostile.server_asked)  # ...but it was asked


def test_the_review_runs_nothing_and_fetches_nothing(
    hostile: Hostile, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    for name, value in hostile.env.items():
        monkeypatch.setenv(name, value)
    monkeypatch.setenv("GIT_TEMPLATE_DIR", str(tmp_path / "user-hooks"))
    reviewed = review_repository(
        str(hostile.repo.root), ReviewOptions(out=tmp_path / "out", run_tests=False), quiet
    )
    assert hostile.marks() == [], "a hook, a filter or the repository's own code ran"
    assert hostile.server_asked == [], "the submodule was fetched"
    checkout = reviewed.result.checkout
    assert [s.path for s in checkout.submodules] == ["vendor/lib"]
    assert checkout.submodules[0].url.startswith("http://127.0.0.1:")
    links = {link.path: (link.target, link.escapes) for link in checkout.links}
    assert links == {
        "passwd": ("/etc/passwd", True), "up": ("../../outside", True),
        "inside": ("app.py", False),
    }  # fmt: skip
    assert [(f.path, f.size_bytes) for f in checkout.large] == [("huge.bin", 12 * MiB)]
    skipped = {f.path: f.reason for f in checkout.skipped}
    assert "nested 41 folders deep" in skipped[DEEP]
    text = reviewed.result_file.read_text(encoding="utf-8")
    assert "root:x:0:0" not in text  # /etc/passwd was never read through the link
    red = [f.text for f in reviewed.result.flags if f.tone == "red"]
    assert any("2 symbolic link(s) lead out of the repository (passwd -> /etc/passwd)" in t
               for t in red)  # fmt: skip
    readable = next(f for f in reviewed.result.findings if f.check == "code.readable")
    assert readable.status == "fail" and "minus.py" in readable.message
    binaries = next(s for s in reviewed.result.signals if s.id == "portfolio.binaries")
    assert binaries.state == "committed" and "huge.bin" in binaries.message


def test_the_checkout_holds_regular_files_only(hostile: Hostile, tmp_path: Path) -> None:
    work = tmp_path / "work"
    cloned = clone(parse_source(str(hostile.repo.root)), work)
    listing = list_tree(cloned.git)
    checkout = write_checkout(cloned.git, listing, work / "checkout")
    root = work / "checkout"
    found = sorted(p.relative_to(root).as_posix() for p in root.rglob("*"))
    assert not [p for p in root.rglob("*") if p.is_symlink()]
    assert "passwd" not in found and "huge.bin" not in found and "vendor/lib" not in found
    assert {"app.py", "conftest.py", "minus.py", BIDI_NAME} <= set(found)
    assert checkout.files == len([p for p in root.rglob("*") if p.is_file()])
    assert not (work / "repository.git" / "hooks").exists()


def test_the_report_shows_hostile_text_as_text(hostile: Hostile, tmp_path: Path) -> None:
    reviewed = review_repository(
        str(hostile.repo.root), ReviewOptions(out=tmp_path / "out", run_tests=False), quiet
    )
    html = reviewed.report_file.read_text(encoding="utf-8")
    assert "<script" not in html.lower()
    assert "\u202e" not in html
    assert "Content-Security-Policy" in html


def test_a_history_of_100000_commits_is_read_with_bounds(tmp_path: Path) -> None:
    repo = gitrepos.long_history(tmp_path / "long", 100_000)
    cloned = clone(parse_source(str(repo.root)), tmp_path / "work")
    started = time.monotonic()
    history = read_history(cloned.git, {"main.py": 1}, START.replace(year=2026), limit=5_000)
    elapsed = time.monotonic() - started
    assert history.commits == 100_000
    assert history.commits_read == 5_000
    assert elapsed < 30, f"reading the history took {elapsed:.1f} s"
    assert history.first == START + timedelta(hours=1)
    assert any("newest 5,000 of 100,000 commits" in note for note in history.notes)
    assert any("dated in the future" in note for note in history.notes)
    assert history.first_commit_share == 1.0
