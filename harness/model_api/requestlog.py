"""The model API's request log read back on the host, as untrusted data.

The server is the harness's own, but it answers whatever a submission sends, and the file
comes back from a container: so it is read size-capped, without following a link, and every
line is parsed on its own; a line that is not a JSON object of the expected fields is a
problem noted and skipped, never a crash, and every field is coerced to its type (a model
name the client chose is capped like any string). Each request keeps its line number and
text, the evidence a finding quotes.
"""

from __future__ import annotations

import json
import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

MAX_LOG_BYTES = 64 * 1024 * 1024
EVIDENCE_CHARS = 600
TEXT_CAP = 200
PROBLEMS_KEPT = 10
CHAT_PATHS = ("/v1/chat/completions", "/chat/completions")
UNUSABLE_FAULTS = ("malformed", "truncated")


@dataclass(frozen=True)
class LoggedRequest:
    """One request as the server logged it."""

    line: int
    """1-based line number in the log file."""
    text: str
    """The line as logged (capped): the evidence."""
    index: int | None
    """The chat request's place in arrival order (None: refused before it was counted)."""
    t_start: float
    t_end: float
    method: str
    path: str
    model: str | None
    prompt_sha256: str | None
    prompt_tokens: int
    completion_tokens: int
    status: int | None
    """None: no answer was sent (the client hung up, or the server was stopped)."""
    error_code: str | None
    fault: str | None
    limit: str | None
    retry_after: float | None
    finish_reason: str | None
    client_disconnected: bool
    interrupted: bool
    concurrent: int | None
    canaries: tuple[str, ...]
    user_agent: str

    @property
    def is_chat(self) -> bool:
        return self.method == "POST" and self.path.split("?", 1)[0] in CHAT_PATHS

    @property
    def billed(self) -> bool:
        """A 200 answer is paid for, whole or not."""
        return self.is_chat and self.status == 200

    @property
    def usable(self) -> bool:
        """A complete, well-formed answer: what a cache could have kept."""
        return (self.billed and self.fault not in UNUSABLE_FAULTS
                and self.finish_reason in (None, "stop"))  # fmt: skip

    @property
    def held_s(self) -> float:
        return max(0.0, self.t_end - self.t_start)


@dataclass(frozen=True)
class RequestLog:
    """Every request read from the log, and what could not be read."""

    requests: tuple[LoggedRequest, ...]
    problems: tuple[str, ...] = ()
    truncated: bool = False
    """The file was larger than the cap (or the server stopped writing it when full)."""

    @property
    def chat(self) -> tuple[LoggedRequest, ...]:
        """The chat-completions requests, in the order they arrived."""
        return tuple(sorted((r for r in self.requests if r.is_chat), key=lambda r: r.t_start))


def read_request_log(path: Path, max_bytes: int = MAX_LOG_BYTES) -> RequestLog:
    """Read the log at `path`; a file that cannot be read is a problem, not an error."""
    try:
        descriptor = os.open(path, os.O_RDONLY | os.O_NOFOLLOW)
    except FileNotFoundError:
        return RequestLog((), ("the model API wrote no request log",))
    except OSError as err:
        return RequestLog((), (f"the request log cannot be read ({err.strerror or err})",))
    with os.fdopen(descriptor, "rb") as stream:
        data = stream.read(max_bytes + 1)
    return parse_request_log(data[:max_bytes], truncated=len(data) > max_bytes)


def parse_request_log(data: bytes, truncated: bool = False) -> RequestLog:
    """Parse JSON lines; a cut last line (a capped read) is dropped, not a problem."""
    lines = data.split(b"\n")
    if truncated and lines:
        lines = lines[:-1]
    requests: list[LoggedRequest] = []
    problems: list[str] = []
    for number, raw in enumerate(lines, start=1):
        if not raw.strip():
            continue
        parsed = _parse_line(number, raw)
        if isinstance(parsed, LoggedRequest):
            requests.append(parsed)
        elif parsed == "log_full":
            truncated = True
        else:
            problems.append(parsed)
    return RequestLog(tuple(requests), _kept(problems), truncated)


def _kept(problems: list[str]) -> tuple[str, ...]:
    if len(problems) <= PROBLEMS_KEPT:
        return tuple(problems)
    return (*problems[:PROBLEMS_KEPT], f"... and {len(problems) - PROBLEMS_KEPT} more lines")


def _parse_line(number: int, raw: bytes) -> LoggedRequest | str:
    try:
        record = json.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, ValueError):
        return f"line {number}: not JSON"
    if not isinstance(record, dict):
        return f"line {number}: not a JSON object"
    if record.get("event") == "log_full":
        return "log_full"
    t_start, t_end = _float(record.get("t_start")), _float(record.get("t_end"))
    if t_start is None:
        return f"line {number}: no t_start"
    text = raw.decode("utf-8")[:EVIDENCE_CHARS]
    return _request(number, text, record, t_start, t_end if t_end is not None else t_start)


def _request(
    number: int, text: str, record: Mapping[str, Any], t_start: float, t_end: float
) -> LoggedRequest:
    retry_after = _float(record.get("retry_after"))
    return LoggedRequest(
        line=number, text=text, index=_int(record.get("index")), t_start=t_start,
        t_end=max(t_start, t_end), method=_str(record.get("method")) or "",
        path=_str(record.get("path")) or "", model=_str(record.get("model")),
        prompt_sha256=_str(record.get("prompt_sha256")),
        prompt_tokens=max(0, _int(record.get("prompt_tokens")) or 0),
        completion_tokens=max(0, _int(record.get("completion_tokens")) or 0),
        status=_int(record.get("status")), error_code=_str(record.get("error_code")),
        fault=_str(record.get("fault")), limit=_str(record.get("limit")),
        retry_after=retry_after if retry_after is None else max(0.0, retry_after),
        finish_reason=_str(record.get("finish_reason")),
        client_disconnected=record.get("client_disconnected") is True,
        interrupted=record.get("interrupted") is True,
        concurrent=_int(record.get("concurrent")),
        canaries=_strings(record.get("canaries")),
        user_agent=_str(record.get("user_agent")) or "",
    )  # fmt: skip


def _float(value: Any) -> float | None:
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    number = float(value)
    return number if number == number and abs(number) < 1e12 else None  # no NaN, no inf


def _int(value: Any) -> int | None:
    if isinstance(value, bool) or not isinstance(value, int):
        return None
    return value


def _str(value: Any) -> str | None:
    return value[:TEXT_CAP] if isinstance(value, str) else None


def _strings(value: Any) -> tuple[str, ...]:
    if not isinstance(value, list):
        return ()
    return tuple(item[:TEXT_CAP] for item in value[:50] if isinstance(item, str))
