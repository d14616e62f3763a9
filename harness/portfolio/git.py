"""The one module that runs git, on a repository the harness does not trust.

Every call has no shell, no stdin from the terminal, a deadline, and an environment of its own:
no system or user configuration (no credential helper, no filter driver, no `includeIf` of
this machine's), no terminal prompt, no hooks, no fsmonitor, no LFS downloads, and only the
transports the caller allows. Nothing the repository holds is ever executed: git only copies
and reads objects here, and the checkout is written by the harness itself (`tree.py`).
"""

from __future__ import annotations

import contextlib
import os
import subprocess
import tempfile
import time
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import IO

GIT_TIMEOUT_S = 120.0
STDERR_CHARS = 400
SAFE_CONFIG = (
    "core.hooksPath=/dev/null",
    "core.fsmonitor=false",
    "core.symlinks=false",
    "core.askPass=",
    "credential.helper=",
    "submodule.recurse=false",
    "fetch.recurseSubmodules=false",
    "protocol.allow=never",
    "filter.lfs.required=false",
    "filter.lfs.smudge=",
    "filter.lfs.process=",
    "uploadpack.allowAnySHA1InWant=false",
)
"""`-c` settings of every call: hooks off, no prompt or credentials, submodules never
followed, LFS never fetched, every transport refused unless the call allows it."""


@dataclass(frozen=True)
class GitResult:
    """How one git call ended."""

    exit_code: int | None
    """None when it was killed at its deadline or over its size cap, or could not start."""
    stdout: bytes
    stderr: str
    duration_s: float
    timed_out: bool = False

    @property
    def ok(self) -> bool:
        return self.exit_code == 0

    def text(self) -> str:
        return self.stdout.decode("utf-8", errors="replace")

    def problem(self) -> str:
        """git's own last line of complaint, shortened, for a one-line error."""
        lines = [line.strip() for line in self.stderr.splitlines() if line.strip()]
        fatal = [line for line in lines if line.startswith(("fatal:", "error:"))]
        last = (fatal or lines or ["no message"])[-1]
        return last[:STDERR_CHARS]


@dataclass(frozen=True)
class Git:
    """git bound to one bare repository (`git_dir`, None before the clone), with `home` as
    its HOME: an empty folder of the harness's, so nothing of this machine's user is read."""

    home: Path
    git_dir: Path | None = None
    protocols: tuple[str, ...] = ()
    """Transports this repository may be fetched over (`file`, `https`, ...)."""

    def argv(self, args: Sequence[str]) -> list[str]:
        settings = [*SAFE_CONFIG, *(f"protocol.{name}.allow=always" for name in self.protocols)]
        argv = ["git", *(part for item in settings for part in ("-c", item))]
        if self.git_dir is not None:
            argv.append(f"--git-dir={self.git_dir}")
        return [*argv, *args]

    def environment(self) -> dict[str, str]:
        """The whole environment git sees: nothing inherited but where programs are."""
        return {
            "PATH": "/usr/local/bin:/usr/bin:/bin",
            "HOME": str(self.home),
            "LC_ALL": "C",
            "GIT_CONFIG_NOSYSTEM": "1",
            "GIT_CONFIG_GLOBAL": "/dev/null",
            "GIT_TERMINAL_PROMPT": "0",
            "GIT_ASKPASS": "",
            "SSH_ASKPASS": "",
            "GIT_LFS_SKIP_SMUDGE": "1",
            "GIT_NO_REPLACE_OBJECTS": "1",
            "GIT_OPTIONAL_LOCKS": "0",
            "GIT_PROTOCOL_FROM_USER": "0",
        }

    def run(self, *args: str, timeout_s: float = GIT_TIMEOUT_S) -> GitResult:
        """One call, its whole output captured; never raises for what git does."""
        started = time.monotonic()
        try:
            done = subprocess.run(
                self.argv(args),
                env=self.environment(),
                capture_output=True,
                stdin=subprocess.DEVNULL,
                timeout=timeout_s,
                check=False,
            )
        except subprocess.TimeoutExpired as err:
            stderr = (err.stderr or b"").decode(errors="replace")
            return GitResult(None, err.stdout or b"", stderr, timeout_s, timed_out=True)
        except OSError as err:
            return GitResult(None, b"", str(err), time.monotonic() - started)
        stderr = done.stderr.decode(errors="replace")
        return GitResult(done.returncode, done.stdout, stderr, time.monotonic() - started)

    def run_capped(self, *args: str, watch: Path, max_bytes: int, timeout_s: float) -> GitResult:
        """A long call (a clone) stopped at its deadline or once the folder it writes,
        `watch`, grows past `max_bytes`; its output goes to files, so no pipe fills up."""
        started = time.monotonic()
        with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
            try:
                process = subprocess.Popen(
                    self.argv(args),
                    env=self.environment(),
                    stdin=subprocess.DEVNULL,
                    stdout=out,
                    stderr=err,
                )
            except OSError as problem:
                return GitResult(None, b"", str(problem), 0.0)
            stopped = _watch(process, watch, max_bytes, started + timeout_s)
            return GitResult(
                None if stopped else process.returncode,
                _read(out),
                _read(err).decode(errors="replace") + (f"\nfatal: {stopped}" if stopped else ""),
                time.monotonic() - started,
                timed_out=stopped.startswith("still"),
            )

    def records(
        self, *args: str, limit: int, separator: bytes = b"\0", timeout_s: float = GIT_TIMEOUT_S
    ) -> tuple[list[bytes], bool]:
        """The first `limit` records of a listing (`ls-tree -z`), read as they come; git
        is stopped there, so a tree of a million entries costs no more than `limit` of them.
        Returns the records and whether there were more (or the deadline was reached)."""
        deadline = time.monotonic() + timeout_s
        found: list[bytes] = []
        with self._streaming(args) as process:
            assert process.stdout is not None
            pending = b""
            while len(found) < limit and time.monotonic() < deadline:
                chunk = os.read(process.stdout.fileno(), 65536)
                if not chunk:
                    return found + ([pending] if pending else []), False
                *complete, pending = (pending + chunk).split(separator)
                found += complete
            return found[:limit], True

    def blobs(
        self, oids: Sequence[str], timeout_s: float = GIT_TIMEOUT_S
    ) -> Iterator[bytes | None]:
        """The contents of blobs, in order, through one `cat-file --batch` (None for an
        object that is missing or not a blob); stops at the deadline, so the caller may see
        fewer contents than it asked for."""
        deadline = time.monotonic() + timeout_s
        with self._streaming(("cat-file", "--batch"), stdin=True) as process:
            assert process.stdin is not None and process.stdout is not None
            for oid in oids:
                if time.monotonic() > deadline:
                    return
                process.stdin.write(oid.encode() + b"\n")
                process.stdin.flush()
                yield _batch_answer(process.stdout)

    @contextlib.contextmanager
    def _streaming(
        self, args: Sequence[str], stdin: bool = False
    ) -> Iterator[subprocess.Popen[bytes]]:
        process = subprocess.Popen(
            self.argv(args),
            env=self.environment(),
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
            stdin=subprocess.PIPE if stdin else subprocess.DEVNULL,
        )
        try:
            yield process
        finally:
            process.kill()
            process.wait()
            for stream in (process.stdin, process.stdout):
                if stream is not None:
                    with contextlib.suppress(OSError):
                        stream.close()


def _batch_answer(stdout: IO[bytes]) -> bytes | None:
    """One object of `cat-file --batch`: `<oid> blob <size>\\n<content>\\n`; None when the
    object is missing or not a blob (the batch goes on without it)."""
    header = stdout.readline().split()
    if len(header) != 3:
        return None
    content = stdout.read(int(header[2]) + 1)[:-1]
    return content if header[1] == b"blob" else None


def _watch(process: subprocess.Popen[bytes], folder: Path, max_bytes: int, deadline: float) -> str:
    """Wait for `process`; kill it at the deadline or when `folder` is over `max_bytes`.
    Returns why it was stopped, or "" when it ended by itself."""
    while process.poll() is None:
        if time.monotonic() > deadline:
            why = "still running at its deadline; stopped"
        elif folder_bytes(folder) > max_bytes:
            why = f"the repository is over {max_bytes // (1024 * 1024)} MiB; stopped"
        else:
            time.sleep(0.2)
            continue
        process.kill()
        process.wait()
        return why
    return ""


def folder_bytes(folder: Path) -> int:
    """Bytes of the regular files under `folder` (links not followed)."""
    total = 0
    for path in folder.rglob("*") if folder.is_dir() else ():
        with contextlib.suppress(OSError):
            if path.is_file() and not path.is_symlink():
                total += path.stat().st_size
    return total


def _read(stream: IO[bytes]) -> bytes:
    stream.seek(0)
    return stream.read()
