"""`grade repo` as a command: the click command object, and once end to end through a fresh
Python process; bad input is one line on stderr and exit 2."""

from __future__ import annotations

import functools
import http.server
import json
import socket
import subprocess
import sys
import threading
from pathlib import Path

import pytest
from click.testing import CliRunner

from harness.portfolio.command import repo
from tests.portfolio import gitrepos

ROOT = Path(__file__).resolve().parents[2]


def run(*args: str) -> tuple[int, str, str]:
    outcome = CliRunner().invoke(repo, list(args))
    return outcome.exit_code, outcome.stdout, outcome.stderr


@pytest.fixture
def dump(tmp_path: Path) -> Path:
    return gitrepos.single_commit_dump(tmp_path / "pipeline-dump").root


def test_a_review_is_written_and_summed_up(dump: Path, tmp_path: Path) -> None:
    code, out, err = run(str(dump), "--out", str(tmp_path / "out"), "--no-tests")
    assert code == 0, err
    assert out.startswith("reviewed pipeline-dump at ")
    assert "Portfolio depth" in out and "red flags:" in out
    folder = next((tmp_path / "out").iterdir())
    assert folder.name.startswith("pipeline-dump-")
    assert {p.name for p in folder.iterdir()} == {"result.json", "report.html"}
    assert "clone:" in err and "checkout:" in err  # progress goes to stderr


def test_json_output_names_the_files(dump: Path, tmp_path: Path) -> None:
    code, out, err = run(str(dump), "--out", str(tmp_path), "--no-tests", "--json")
    assert code == 0, err
    data = json.loads(out)
    assert Path(data["result"]).is_file() and Path(data["report"]).is_file()
    assert set(data["areas"]) == {"depth", "deployment", "engineering", "observability", "data"}


def closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.mark.parametrize(
    ("given", "says"),
    [
        ("{tmp}/missing", "no such folder"),
        ("{tmp}/plain", "not a git repository"),
        ("{tmp}/empty", "an empty repository (no commit to review)"),
        ("git@github.com:someone/thing.git", "ssh addresses are not cloned"),
        ("ext::sh -c touch% /tmp/x", "ext:: addresses are not cloned"),
        ("http://user:secret@127.0.0.1:{port}/r.git", "cannot be cloned"),
    ],
)
def test_what_cannot_be_reviewed_is_one_line(tmp_path: Path, given: str, says: str) -> None:
    (tmp_path / "plain").mkdir()
    gitrepos.init(tmp_path / "empty")
    target = given.format(tmp=tmp_path, port=closed_port())
    code, out, err = run(target, "--out", str(tmp_path / "out"), "--no-tests")
    assert code == 2, (out, err)
    lines = [line for line in err.splitlines() if not line.startswith("  ")]
    assert len(lines) == 1 and lines[0].startswith("grade: error: "), err
    assert says in lines[0]
    assert "secret" not in err  # a credential in a URL is never shown
    assert not (tmp_path / "out").exists() or not any((tmp_path / "out").iterdir())


def test_a_limit_of_another_stage_is_refused(dump: Path, tmp_path: Path) -> None:
    code, _, err = run(str(dump), "--out", str(tmp_path), "--limit", "train.timeout=10")
    assert code == 2 and "grade repo runs only the tests" in err
    code, _, err = run(str(dump), "--out", str(tmp_path), "--limit", "test.timeout=nan")
    assert code == 2 and "--limit 'test.timeout=nan'" in err


def test_end_to_end_in_a_fresh_process(dump: Path, tmp_path: Path) -> None:
    script = "from harness.portfolio.command import repo; repo(prog_name='grade repo')"
    done = subprocess.run(
        [sys.executable, "-c", script, str(dump), "--out", str(tmp_path / "out"), "--no-tests"],
        cwd=ROOT, capture_output=True, text=True, check=False, timeout=300,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    result = json.loads(next((tmp_path / "out").glob("*/result.json")).read_text())
    assert result["kind"] == "portfolio" and result["repository"]["name"] == "pipeline-dump"
    bad = subprocess.run(
        [sys.executable, "-c", script, str(tmp_path / "nowhere")],
        cwd=ROOT, capture_output=True, text=True, check=False, timeout=60,
    )  # fmt: skip
    assert bad.returncode == 2 and bad.stderr.count("\n") == 1


def test_a_url_is_cloned_and_its_credential_never_written(dump: Path, tmp_path: Path) -> None:
    """A real clone over http (git's dumb protocol from a plain file server)."""
    served = tmp_path / "served"
    env = gitrepos.git_env(tmp_path)
    subprocess.run(["git", "clone", "-q", "--bare", str(dump), str(served / "dump.git")],
                   check=True, capture_output=True, env=env)  # fmt: skip
    subprocess.run(["git", "update-server-info"], cwd=served / "dump.git", check=True, env=env)
    handler = functools.partial(http.server.SimpleHTTPRequestHandler, directory=str(served))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        url = f"http://reviewer:s3cret-token@127.0.0.1:{server.server_address[1]}/dump.git"
        code, out, err = run(url, "--out", str(tmp_path / "out"), "--no-tests")
    finally:
        server.shutdown()
    assert code == 0, err
    written = next((tmp_path / "out").glob("dump-*/result.json")).read_text(encoding="utf-8")
    assert json.loads(written)["repository"]["source"].startswith("http://127.0.0.1:")
    assert "s3cret" not in written and "s3cret" not in out and "s3cret" not in err
