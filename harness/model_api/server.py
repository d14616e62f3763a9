#!/usr/bin/env python3
"""A deterministic, OpenAI-compatible chat-completions server: the grading sandbox's model API,
and, copied into a candidate's bundle as `model_api_standin.py`, its public stand-in.

Self-contained on purpose (standard library only, Python 3.11): the harness mounts this one
file read-only into a sidecar container whose image knows nothing of the harness, and a
candidate runs it with nothing installed.

    python model_api_standin.py                 # built-in public config, 127.0.0.1:8900
    python model_api_standin.py --port 0        # any free port; the address is printed
    python model_api_standin.py --log requests.jsonl --demo-faults
    python server.py --config C --log L --port P    # graded: its faults, canaries and log

Endpoints: `GET /v1/models`, `POST /v1/chat/completions` (OpenAI's request and response
shapes; `stream: true` is refused with 400), `GET /health` (no key, not logged). Every other
request needs `Authorization: Bearer <key>`: 401 otherwise, in OpenAI's error shape.

Answers are a pure function of the request: the ticket is read from the last user message
with a keyword lexicon (queue -> weighted keywords, urgency -> weighted cues; the names of
the labels do not count when the prompt lists them all), and each model errs at its own
rate, decided by sha256(model, system text, user text). The same prompt gets the same
answer, id and usage every time. A prompt whose system or last user message mentions "json"
(or `response_format` json_object) gets `{"queue": ..., "urgency": ...}`; any other gets
`queue: X\\nurgency: Y`.

Tokens, documented for candidates: prompt_tokens = sum over messages of
(ceil(utf-8 bytes of its text / 4) + 4) + 3; completion_tokens = ceil(answer bytes / 4).
A `max_tokens` (or `max_completion_tokens`) below that truncates the answer: finish_reason
"length".

Limits: requests per minute and requests in flight; past either, 429 `rate_limit_exceeded`
with `Retry-After` (seconds). Faults, from the config's schedule only (the stand-in has none
unless `--demo-faults`): windows that begin at a request index and/or a time after the first
request, and last some requests or some seconds: `rate_limit` (429 with Retry-After),
`server_error` (500 or 503), `stall` (no answer until the client hangs up or the stall limit
passes), `malformed` (200 with a broken JSON body), `truncated` (finish_reason "length"),
`model_gone` (the model answers 404 `model_not_found` from then on).

The request log (`--log`): one JSON line per request, written and flushed when the request
ends: index, t_start, t_end (seconds since the server started), model, prompt_sha256 (of the
messages' roles and texts), prompt_tokens, completion_tokens, status (null when no answer was
sent), fault, retry_after, client_disconnected, concurrent (requests in flight on arrival),
canaries (the configured canary strings found in the request), and what else explains it.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import math
import re
import select
import signal
import socket
import sys
import threading
import time
from collections import Counter, deque
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from types import FrameType
from typing import Any, TextIO

DEFAULT_HOST = "127.0.0.1"
DEFAULT_PORT = 8900
CREATED = 1735689600
"""`created` of every answer and model: fixed, so answers are byte-for-byte reproducible."""
MAX_BODY_BYTES = 1024 * 1024
DEFAULT_LOG_MAX_BYTES = 64 * 1024 * 1024
FIELD_CAP = 120
"""Characters kept of a string the client chose (a model name, its User-Agent)."""
POLL_S = 0.05
IDLE_CONNECTION_S = 120.0
SHUTDOWN_GRACE_S = 3.0
TRUNCATED_FAULT_TOKENS = 2
BYTES_PER_TOKEN = 4
COMPLETIONS_PATHS = ("/v1/chat/completions", "/chat/completions")
MODELS_PATHS = ("/v1/models", "/models")
FAULT_KINDS = ("rate_limit", "server_error", "stall", "malformed", "truncated", "model_gone")
NUMBER_RUN = re.compile(r"\d(?:[\s\-./()]{0,2}\d)+")
MIN_CANARY_DIGITS = 8

BUILTIN_CONFIG_JSON = ""
"""The bundle's stand-in carries its challenge's public config here, as JSON text; empty, the
generic public config below is used (harness/model_api/config.py writes this line)."""

PUBLIC_MODELS: dict[str, dict[str, float]] = {
    "route-mini": {"input_per_1m": 0.15, "output_per_1m": 0.60, "latency_s": 0.25,
                   "error_rate": 0.20},
    "route-standard": {"input_per_1m": 1.00, "output_per_1m": 4.00, "latency_s": 0.8,
                       "error_rate": 0.10},
    "route-large": {"input_per_1m": 5.00, "output_per_1m": 20.00, "latency_s": 2.0,
                    "error_rate": 0.04},
}  # fmt: skip
GENERIC_LEXICON: dict[str, Any] = {
    "queues": {
        "billing": {"invoice": 2, "refund": 2, "charged": 2, "payment": 1.5, "price": 1},
        "technical": {"error": 2, "crash": 2, "bug": 2, "broken": 1.5, "not working": 1.5},
        "account": {"password": 2, "login": 1.5, "username": 1.5, "profile": 1},
        "shipping": {"delivery": 2, "package": 2, "tracking": 2, "shipped": 1.5},
        "general": {"question": 1, "information": 1, "feedback": 1},
    },
    "default_queue": "general",
    "urgency": {
        "urgent": {"urgent": 2, "asap": 2, "immediately": 2, "outage": 2},
        "high": {"today": 1, "blocked": 1.5, "cannot": 1},
        "low": {"no rush": 2, "whenever": 1.5, "just wondering": 2},
    },
    "urgency_levels": ["low", "normal", "high", "urgent"],
    "default_urgency": "normal",
}
"""What any public model knows: everyday support vocabulary, not a company's queues."""
DEMO_FAULTS: list[dict[str, Any]] = [
    {"kind": "rate_limit", "from_request": 5, "for_s": 3.0},
    {"kind": "server_error", "status": 500, "from_request": 15, "requests": 1},
    {"kind": "server_error", "status": 503, "from_request": 20, "requests": 1, "retry_after": 1},
    {"kind": "stall", "from_request": 25, "requests": 1},
    {"kind": "malformed", "from_request": 30, "requests": 1},
    {"kind": "truncated", "from_request": 35, "requests": 1},
    {"kind": "model_gone", "model": "*", "from_request": 40, "requests": 10},
]
"""`--demo-faults`: a fixed public schedule to develop against, never the graded one."""


class ConfigError(Exception):
    """The config cannot be used; the message says which key and why."""


# --- settings ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class ModelSpec:
    """One model: its price per million tokens, its simulated latency and error rate."""

    name: str
    input_per_1m: float
    output_per_1m: float
    latency_s: float
    error_rate: float


@dataclass(frozen=True)
class Cues:
    """One label kind (queue or urgency): each label's weighted phrases, and the default."""

    labels: tuple[str, ...]
    phrases: tuple[tuple[str, tuple[tuple[str, float], ...]], ...]
    default: str
    ordered: bool = False
    """Whether `labels` is a scale (urgency), so an error moves to a neighbour."""

    def pick(self, words: Counter[str], text: str) -> str:
        """The label whose phrases weigh most in the text; the default when none appear."""
        listed = all(f" {_normal(label)} " in text for label in self.labels)
        names = {_normal(label) for label in self.labels} if listed else set()
        best, best_score = self.default, 0.0
        for label, phrases in self.phrases:
            score = sum(weight * _occurrences(phrase, words, text)
                        for phrase, weight in phrases if phrase not in names)  # fmt: skip
            if score > best_score:
                best, best_score = label, score
        return best

    def mistaken(self, label: str, byte: int) -> str:
        """Another label than `label`, chosen by `byte`: a neighbour on a scale."""
        others = [other for other in self.labels if other != label]
        if not others:
            return label
        if self.ordered and label in self.labels:
            at = self.labels.index(label)
            near = [self.labels[i] for i in (at - 1, at + 1) if 0 <= i < len(self.labels)]
            return near[byte % len(near)]
        return others[byte % len(others)]


@dataclass(frozen=True)
class Settings:
    """The whole server config, validated."""

    name: str
    key: str
    models: dict[str, ModelSpec]
    queues: Cues
    urgency: Cues
    requests_per_minute: int
    max_concurrent: int
    latency_factor: float
    stall_limit_s: float
    faults: tuple[dict[str, Any], ...]
    canaries: tuple[str, ...]
    log_max_bytes: int


def public_config() -> dict[str, Any]:
    """The stand-in's config: the bundle's own when it carries one, else the generic one."""
    if BUILTIN_CONFIG_JSON:
        loaded: dict[str, Any] = json.loads(BUILTIN_CONFIG_JSON)
        return loaded
    return {
        "name": "model API stand-in",
        "key": "standin-key",
        "models": PUBLIC_MODELS,
        "lexicon": GENERIC_LEXICON,
        "rate_limit": {"requests_per_minute": 300, "max_concurrent": 4},
        "latency_factor": 1.0,
        "stall_limit_s": 30.0,
        "faults": [],
        "canaries": [],
    }


def settings_from(config: dict[str, Any]) -> Settings:
    """Validate a config dict into Settings; a problem names its key."""
    limit = _section(config, "rate_limit")
    faults = config.get("faults") or []
    if not isinstance(faults, list) or not all(isinstance(f, dict) for f in faults):
        raise ConfigError("faults: must be a list of tables")
    for fault in faults:
        Window.from_config(fault)  # validated now, not at the first request
    lexicon = _section(config, "lexicon")
    return Settings(
        name=str(config.get("name", "model API")),
        key=_text(config, "key"),
        models=_models(_section(config, "models")),
        queues=_cues(lexicon, "queues", "default_queue", None),
        urgency=_cues(lexicon, "urgency", "default_urgency", lexicon.get("urgency_levels")),
        requests_per_minute=int(_number(limit, "requests_per_minute", 0)),
        max_concurrent=int(_number(limit, "max_concurrent", 0)),
        latency_factor=_number(config, "latency_factor", 1.0),
        stall_limit_s=_number(config, "stall_limit_s", 30.0),
        faults=tuple(faults),
        canaries=tuple(str(c) for c in config.get("canaries") or () if str(c).strip()),
        log_max_bytes=int(_number(config, "log_max_bytes", DEFAULT_LOG_MAX_BYTES)),
    )


def _section(config: dict[str, Any], key: str) -> dict[str, Any]:
    value = config.get(key, {})
    if not isinstance(value, dict):
        raise ConfigError(f"{key}: must be a table")
    return value


def _text(config: dict[str, Any], key: str) -> str:
    value = config.get(key)
    if not isinstance(value, str) or not value:
        raise ConfigError(f"{key}: must be a non-empty string")
    return value


def _number(config: dict[str, Any], key: str, default: float) -> float:
    value = config.get(key, default)
    if isinstance(value, bool) or not isinstance(value, int | float) or value < 0:
        raise ConfigError(f"{key}: must be a number >= 0, not {value!r}")
    return float(value)


def _models(table: dict[str, Any]) -> dict[str, ModelSpec]:
    if not table:
        raise ConfigError("models: at least one model is needed")
    models = {}
    for name, spec in table.items():
        if not isinstance(spec, dict):
            raise ConfigError(f"models.{name}: must be a table")
        models[name] = ModelSpec(
            name=name,
            input_per_1m=_number(spec, "input_per_1m", 0.0),
            output_per_1m=_number(spec, "output_per_1m", 0.0),
            latency_s=_number(spec, "latency_s", 0.0),
            error_rate=min(1.0, _number(spec, "error_rate", 0.0)),
        )
    return models


def _cues(lexicon: dict[str, Any], key: str, default_key: str, order: Any) -> Cues:
    """Read `{label: {phrase: weight}}` (or `{label: [phrase, ...]}`, weight 1)."""
    table = _section(lexicon, key)
    default = str(lexicon.get(default_key) or (next(iter(table), "") if table else ""))
    if not default:
        raise ConfigError(f"lexicon.{key}: no labels and no {default_key}")
    phrases = tuple((str(label), _phrases(f"lexicon.{key}.{label}", cues))
                    for label, cues in table.items())  # fmt: skip
    labels = [str(label) for label in (order or [])] or [label for label, _ in phrases]
    labels += [label for label, _ in phrases if label not in labels]
    if default not in labels:
        labels.append(default)
    return Cues(tuple(labels), phrases, default, ordered=bool(order))


def _phrases(where: str, cues: Any) -> tuple[tuple[str, float], ...]:
    if isinstance(cues, list):
        cues = dict.fromkeys((str(c) for c in cues), 1.0)
    if not isinstance(cues, dict):
        raise ConfigError(f"{where}: must map phrases to weights")
    out = []
    for phrase, weight in cues.items():
        if isinstance(weight, bool) or not isinstance(weight, int | float):
            raise ConfigError(f"{where}.{phrase}: the weight must be a number")
        if _normal(str(phrase)):
            out.append((_normal(str(phrase)), float(weight)))
    return tuple(out)


# --- reading a prompt -------------------------------------------------------------------------


def _words(text: str) -> list[str]:
    return re.findall(r"\w+", text.casefold())


def _normal(text: str) -> str:
    return " ".join(_words(text))


def _occurrences(phrase: str, words: Counter[str], text: str) -> int:
    return words[phrase] if " " not in phrase else text.count(f" {phrase} ")


def message_text(content: Any) -> str:
    """A message's text: a string, or the text parts of a list of content parts."""
    if isinstance(content, str):
        return content
    if isinstance(content, list):
        parts = [p.get("text") for p in content if isinstance(p, dict)]
        return "\n".join(p for p in parts if isinstance(p, str))
    return ""


def count_prompt_tokens(texts: list[str]) -> int:
    """The documented count: per message ceil(bytes / 4) + 4, plus 3 for the reply."""
    return sum(_tokens(text) + 4 for text in texts) + 3


def _tokens(text: str) -> int:
    return math.ceil(len(text.encode("utf-8")) / BYTES_PER_TOKEN)


def canaries_in(canaries: tuple[str, ...], texts: list[str]) -> list[str]:
    """The canaries present in any of the texts: emails and names case-insensitively, long
    numbers (cards, phones) whatever spaces, dashes or dots separate their digits."""
    folded = "\n".join(texts).casefold()
    runs = ["".join(ch for ch in run if ch.isdigit()) for run in NUMBER_RUN.findall(folded)]
    found = []
    for canary in canaries:
        digits = "".join(ch for ch in canary if ch.isdigit())
        numeric = len(digits) >= MIN_CANARY_DIGITS and len(digits) * 2 > len(canary.strip())
        if canary.casefold() in folded or (numeric and any(digits in run for run in runs)):
            found.append(canary)
    return sorted(set(found))


@dataclass(frozen=True)
class ChatRequest:
    """A well-formed chat-completions request, as the answer and the log need it."""

    model: str
    system: str
    user: str
    prompt_tokens: int
    prompt_sha256: str
    wants_json: bool
    max_tokens: int | None
    texts: list[str]


def parse_chat(payload: Any) -> ChatRequest | str:
    """The request, or what is wrong with it (one line for a 400)."""
    if not isinstance(payload, dict):
        return "the body must be a JSON object"
    model, messages = payload.get("model"), payload.get("messages")
    if not isinstance(model, str) or not model:
        return "`model` is required"
    if not isinstance(messages, list) or not messages:
        return "`messages` must be a non-empty list"
    if not all(isinstance(m, dict) and isinstance(m.get("role"), str) for m in messages):
        return "each message must be an object with a `role`"
    if payload.get("stream"):
        return "streaming is not supported by this server: send `stream: false`"
    limit = payload.get("max_completion_tokens", payload.get("max_tokens"))
    if limit is not None and (isinstance(limit, bool) or not isinstance(limit, int) or limit < 1):
        return "`max_tokens` must be a positive integer"
    return _chat_request(model, messages, payload.get("response_format"), limit)


def _chat_request(model: str, messages: list[Any], fmt: Any, limit: int | None) -> ChatRequest:
    pairs = [(str(m["role"]), message_text(m.get("content"))) for m in messages]
    system = "\n".join(text for role, text in pairs if role in ("system", "developer"))
    users = [text for role, text in pairs if role == "user"]
    user = users[-1] if users else ""
    canonical = json.dumps(pairs, ensure_ascii=False, separators=(",", ":"))
    json_format = isinstance(fmt, dict) and str(fmt.get("type", "")).startswith("json")
    return ChatRequest(
        model=model,
        system=system,
        user=user,
        prompt_tokens=count_prompt_tokens([text for _, text in pairs]),
        prompt_sha256=hashlib.sha256(canonical.encode("utf-8")).hexdigest(),
        wants_json=json_format or "json" in f"{system}\n{user}".casefold(),
        max_tokens=limit,
        texts=[text for _, text in pairs],
    )


def answer_text(settings: Settings, model: ModelSpec, request: ChatRequest) -> str:
    """The model's answer: the lexicon's reading of the ticket, wrong at the model's rate."""
    words, text = Counter(_words(request.user)), f" {_normal(request.user)} "
    queue = settings.queues.pick(words, text)
    urgency = settings.urgency.pick(words, text)
    seed = f"{model.name}\n{request.system}\n{request.user}".encode()
    digest = hashlib.sha256(seed).digest()
    if _unit(digest[0:8]) < model.error_rate:
        queue = settings.queues.mistaken(queue, digest[8])
    if _unit(digest[9:17]) < model.error_rate:
        urgency = settings.urgency.mistaken(urgency, digest[17])
    if request.wants_json:
        return json.dumps({"queue": queue, "urgency": urgency})
    return f"queue: {queue}\nurgency: {urgency}"


def _unit(eight: bytes) -> float:
    return int.from_bytes(eight, "big") / 2**64


# --- faults -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Fault:
    """What one faulted request gets."""

    kind: str
    status: int = 0
    retry_after: int | None = None
    stall_s: float = 0.0


@dataclass
class Window:
    """One fault window of the schedule and its state: it begins at the first request at
    or past `from_request` (and `from_s` seconds after the first request), for `model`
    only when given ("*": the model of the request it begins with), and ends after
    `requests` requests or `for_s` seconds, whichever comes first (neither: never)."""

    kind: str
    from_request: int = 0
    from_s: float = 0.0
    requests: int | None = None
    for_s: float | None = None
    model: str | None = None
    status: int = 0
    retry_after: int | None = None
    stall_s: float | None = None
    began: float | None = None
    applied: int = 0

    @classmethod
    def from_config(cls, entry: dict[str, Any]) -> Window:
        kind = entry.get("kind")
        if kind not in FAULT_KINDS:
            raise ConfigError(f"faults: unknown kind {kind!r} (one of {', '.join(FAULT_KINDS)})")
        known = {"kind", "from_request", "from_s", "requests", "for_s", "model", "status",
                 "retry_after", "stall_s"}  # fmt: skip
        unknown = sorted(set(entry) - known)
        if unknown:
            raise ConfigError(f"faults: unknown key(s) {', '.join(unknown)} in a {kind} window")
        try:
            return cls(**entry)
        except TypeError as err:
            raise ConfigError(f"faults: {err}") from err

    def applies(self, index: int, model: str, now: float, since_first: float) -> bool:
        """Whether this request falls in the window (and count it if so)."""
        if self._over(now):
            return False
        if self.began is None:
            if index < self.from_request or since_first < self.from_s:
                return False
            if self.model not in (None, "*", model):
                return False
            self.began, self.model = now, model if self.model == "*" else self.model
        elif self.model is not None and self.model != model:
            return False
        self.applied += 1
        return True

    def gone(self, now: float) -> str | None:
        """The model this window has taken away right now, if it is a `model_gone` one."""
        live = self.kind == "model_gone" and self.began is not None and not self._over(now)
        return self.model if live else None

    def _over(self, now: float) -> bool:
        if self.requests is not None and self.applied >= self.requests:
            return True
        return self.for_s is not None and self.began is not None and now - self.began >= self.for_s

    def fault(self, now: float, stall_limit_s: float) -> Fault:
        retry_after = self.retry_after
        if self.kind == "rate_limit" and retry_after is None:
            left = (self.began or now) + (self.for_s or 1.0) - now
            retry_after = max(1, math.ceil(left))
        status = self.status or {"rate_limit": 429, "server_error": 500, "model_gone": 404}.get(
            self.kind, 200
        )
        return Fault(self.kind, status, retry_after, self.stall_s or stall_limit_s)


# --- shared state -----------------------------------------------------------------------------


@dataclass(frozen=True)
class Admission:
    """A chat request's place in line: its index, what was in flight, and its fate."""

    index: int
    concurrent: int
    limit: str | None
    retry_after: int | None
    fault: Fault | None


class RequestLog:
    """The JSON-lines log, one line per request, flushed per line, capped in size."""

    def __init__(self, path: Path | None, max_bytes: int) -> None:
        self.stream: TextIO | None = path.open("a", encoding="ascii") if path else None
        self.max_bytes = max_bytes
        self.written = 0
        self.full = False
        self.lock = threading.Lock()

    def write(self, record: dict[str, Any]) -> None:
        line = json.dumps(record, ensure_ascii=True, separators=(",", ":")) + "\n"
        with self.lock:
            if self.stream is None or self.full:
                return
            if self.written + len(line) > self.max_bytes:
                self.full = True
                line = json.dumps({"event": "log_full", "t": record.get("t_end")}) + "\n"
            self.stream.write(line)
            self.stream.flush()
            self.written += len(line)

    def close(self) -> None:
        with self.lock:
            if self.stream is not None:
                self.stream.close()
                self.stream = None


class ApiState:
    """Everything the request handlers share: settings, the limits, the faults, the log."""

    def __init__(self, settings: Settings, log: RequestLog) -> None:
        self.settings = settings
        self.log = log
        self.started = time.monotonic()
        self.lock = threading.Lock()
        self.stop = threading.Event()
        self.in_flight = 0
        self.next_index = 0
        self.first_request: float | None = None
        self.accepted: deque[float] = deque()
        self.windows = [Window.from_config(dict(f)) for f in settings.faults]

    def clock(self) -> float:
        return round(time.monotonic() - self.started, 4)

    def admit(self, model: str) -> Admission:
        """Take a chat request in, or refuse it at a limit; pick its fault, if any."""
        with self.lock:
            now = self.clock()
            index, concurrent = self.next_index, self.in_flight
            self.next_index += 1
            self.first_request = now if self.first_request is None else self.first_request
            limit, retry_after = self._limit(now, concurrent)
            if limit is not None:
                return Admission(index, concurrent, limit, retry_after, None)
            self.in_flight += 1
            self.accepted.append(now)
            return Admission(index, concurrent, None, None, self._fault(index, model, now))

    def release(self) -> None:
        with self.lock:
            self.in_flight -= 1

    def gone_models(self) -> set[str]:
        with self.lock:
            now = self.clock()
            return {m for m in (w.gone(now) for w in self.windows) if m is not None}

    def _limit(self, now: float, concurrent: int) -> tuple[str | None, int | None]:
        if self.settings.max_concurrent and concurrent >= self.settings.max_concurrent:
            return "concurrency", 1
        while self.accepted and self.accepted[0] <= now - 60.0:
            self.accepted.popleft()
        rpm = self.settings.requests_per_minute
        if rpm and len(self.accepted) >= rpm:
            return "requests_per_minute", max(1, math.ceil(self.accepted[0] + 60.0 - now))
        return None, None

    def _fault(self, index: int, model: str, now: float) -> Fault | None:
        since_first = now - (self.first_request or now)
        for window in self.windows:
            if window.applies(index, model, now, since_first):
                return window.fault(now, self.settings.stall_limit_s)
        return None


# --- replies ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Reply:
    """One HTTP answer and what the log says of it."""

    status: int
    body: bytes
    headers: tuple[tuple[str, str], ...] = ()
    logged: dict[str, Any] = field(default_factory=dict)


def error_reply(
    status: int, message: str, kind: str, code: str | None, retry_after: int | None = None
) -> Reply:
    """OpenAI's error shape: {"error": {"message", "type", "param", "code"}}."""
    body = {"error": {"message": message, "type": kind, "param": None, "code": code}}
    headers = (("Retry-After", str(retry_after)),) if retry_after is not None else ()
    return Reply(status, _json(body), headers, {"error_code": code or kind,
                                                 "retry_after": retry_after})  # fmt: skip


def unauthorised() -> Reply:
    message = "Incorrect API key provided. Send `Authorization: Bearer <key>` with your key."
    return error_reply(401, message, "invalid_request_error", "invalid_api_key")


def model_not_found(model: str) -> Reply:
    message = f"The model `{model[:FIELD_CAP]}` does not exist or you do not have access to it."
    return error_reply(404, message, "invalid_request_error", "model_not_found")


def rate_limited(retry_after: int, why: str) -> Reply:
    message = f"Rate limit reached ({why}). Please try again in {retry_after}s."
    return error_reply(429, message, "requests", "rate_limit_exceeded", retry_after)


def fault_reply(fault: Fault, model: str) -> Reply | None:
    """The answer of a fault that answers at once (429, 5xx, 404); None for the others."""
    if fault.kind == "rate_limit":
        return rate_limited(fault.retry_after or 1, "requests per minute")
    if fault.kind == "model_gone":
        return model_not_found(model)
    if fault.kind == "server_error" and fault.status == 503:
        message = "The server is overloaded or not ready yet."
        return error_reply(503, message, "server_error", "service_unavailable", fault.retry_after)
    if fault.kind == "server_error":
        message = "The server had an error while processing your request. Sorry about that!"
        return error_reply(fault.status or 500, message, "server_error", None, fault.retry_after)
    return None


def completion_reply(
    settings: Settings, request: ChatRequest, fault: Fault | None, remaining: int
) -> Reply:
    """A 200 answer: whole, cut at max_tokens, truncated or malformed by a fault."""
    model = settings.models[request.model]
    answer = answer_text(settings, model, request).encode("utf-8")
    allowed = request.max_tokens
    if fault is not None and fault.kind == "truncated":
        allowed = min(allowed or TRUNCATED_FAULT_TOKENS, TRUNCATED_FAULT_TOKENS)
    tokens = math.ceil(len(answer) / BYTES_PER_TOKEN)
    finish = "stop"
    if allowed is not None and allowed < tokens:
        answer, tokens, finish = answer[: allowed * BYTES_PER_TOKEN], allowed, "length"
    body = _json(_completion_body(request, answer.decode("utf-8", "ignore"), finish, tokens))
    if fault is not None and fault.kind == "malformed":
        body = body[: len(body) // 2]
    headers = (("x-ratelimit-limit-requests", str(settings.requests_per_minute)),
               ("x-ratelimit-remaining-requests", str(max(0, remaining))))  # fmt: skip
    return Reply(200, body, headers, {"completion_tokens": tokens, "finish_reason": finish})


def _completion_body(request: ChatRequest, content: str, finish: str, tokens: int) -> Any:
    ident = hashlib.sha256(f"{request.model}\n{request.prompt_sha256}".encode()).hexdigest()
    return {
        "id": f"chatcmpl-{ident[:24]}",
        "object": "chat.completion",
        "created": CREATED,
        "model": request.model,
        "choices": [{
            "index": 0,
            "message": {"role": "assistant", "content": content},
            "finish_reason": finish,
            "logprobs": None,
        }],
        "usage": {
            "prompt_tokens": request.prompt_tokens,
            "completion_tokens": tokens,
            "total_tokens": request.prompt_tokens + tokens,
        },
    }  # fmt: skip


def models_body(settings: Settings, gone: set[str]) -> Any:
    data = [{"id": name, "object": "model", "created": CREATED, "owned_by": "grade"}
            for name in settings.models if name not in gone]  # fmt: skip
    return {"object": "list", "data": data}


def _json(payload: Any) -> bytes:
    return json.dumps(payload, separators=(",", ":")).encode("utf-8")


# --- the HTTP handler -------------------------------------------------------------------------


class Handler(BaseHTTPRequestHandler):
    """One connection; each request on it is answered and logged."""

    protocol_version = "HTTP/1.1"
    server_version = "grade-model-api"
    timeout = IDLE_CONNECTION_S
    state: ApiState

    def version_string(self) -> str:
        return self.server_version

    def log_message(self, format: str, *args: Any) -> None:
        """Silent: the request log is the record, and stderr stays free for real problems."""

    def do_GET(self) -> None:
        path = self.path.split("?", 1)[0]
        if path == "/health":
            self._send(Reply(200, _json({"status": "ok"})), {})
            return
        self._logged(lambda record: self._get(path, record))

    def do_POST(self) -> None:
        self._logged(self._post)

    def _logged(self, handle: Any) -> None:
        record = self._record()
        try:
            handle(record)
        finally:
            if record["t_end"] is None:  # no answer sent: when the client or server gave up
                record["t_end"] = self.state.clock()
            self.state.log.write(record)

    def _record(self) -> dict[str, Any]:
        return {
            "index": None, "t_start": self.state.clock(), "t_end": None,
            "method": self.command, "path": self.path[:FIELD_CAP], "model": None,
            "prompt_sha256": None, "prompt_tokens": 0, "completion_tokens": 0,
            "status": None, "error_code": None, "fault": None, "limit": None,
            "retry_after": None, "finish_reason": None, "client_disconnected": False,
            "concurrent": None, "canaries": [], "max_tokens": None,
            "user_agent": str(self.headers.get("User-Agent", ""))[:FIELD_CAP],
        }  # fmt: skip

    def _get(self, path: str, record: dict[str, Any]) -> None:
        if not self._authorised():
            self._send(unauthorised(), record)
        elif path in MODELS_PATHS:
            listing = models_body(self.state.settings, self.state.gone_models())
            self._send(Reply(200, _json(listing)), record)
        else:
            self._send(self._no_such_path(), record)

    def _post(self, record: dict[str, Any]) -> None:
        body = self._body(record)
        if body is None:
            return
        if self.path.split("?", 1)[0] not in COMPLETIONS_PATHS:
            self._send(self._no_such_path(), record)
        elif not self._authorised():
            self._send(unauthorised(), record)
        else:
            self._chat(body, record)

    def _chat(self, body: bytes, record: dict[str, Any]) -> None:
        try:
            parsed = parse_chat(json.loads(body))
        except (ValueError, UnicodeDecodeError):
            parsed = "the body is not valid JSON"
        if isinstance(parsed, str):
            self._send(error_reply(400, parsed, "invalid_request_error", "invalid_request"), record)
            return
        settings = self.state.settings
        seen = canaries_in(settings.canaries, [*parsed.texts, body.decode("utf-8", "replace")])
        record.update(model=parsed.model[:FIELD_CAP], prompt_sha256=parsed.prompt_sha256,
                      prompt_tokens=parsed.prompt_tokens, max_tokens=parsed.max_tokens,
                      canaries=seen)  # fmt: skip
        if parsed.model not in settings.models:
            self._send(model_not_found(parsed.model), record)
            return
        admission = self.state.admit(parsed.model)
        record.update(index=admission.index, concurrent=admission.concurrent)
        if admission.limit is not None:
            record["limit"] = admission.limit
            self._send(rate_limited(admission.retry_after or 1, admission.limit), record)
            return
        try:
            self._admitted(parsed, admission, record)
        finally:
            self.state.release()

    def _admitted(self, request: ChatRequest, admission: Admission, record: dict[str, Any]) -> None:
        fault = admission.fault
        record["fault"] = fault.kind if fault else None
        early = fault_reply(fault, request.model) if fault else None
        if early is not None:
            self._send(early, record)
            return
        if fault is not None and fault.kind == "stall" and not self._hold(fault.stall_s, record):
            return
        model = self.state.settings.models[request.model]
        if not self._hold(model.latency_s * self.state.settings.latency_factor, record):
            return
        remaining = self.state.settings.requests_per_minute - len(self.state.accepted)
        self._send(completion_reply(self.state.settings, request, fault, remaining), record)

    def _hold(self, seconds: float, record: dict[str, Any]) -> bool:
        """Wait, watching the client: False (and logged) when it hung up or the server is
        stopping, so that the time of abandonment is what the log records."""
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            if self.state.stop.is_set():
                record["interrupted"] = True
                self.close_connection = True
                return False
            if self._client_gone(min(POLL_S, max(0.0, deadline - time.monotonic()))):
                record["client_disconnected"] = True
                self.close_connection = True
                return False
        return True

    def _client_gone(self, wait_s: float) -> bool:
        """Whether the client closed its end, waiting up to `wait_s` to see it."""
        try:
            readable, _, _ = select.select([self.connection], [], [], wait_s)
            if not readable:
                return False
            peeked = self.connection.recv(1, socket.MSG_PEEK)
        except (OSError, ValueError):
            return True
        if peeked:  # a pipelined next request: the client is still there
            time.sleep(wait_s)
        return not peeked

    def _body(self, record: dict[str, Any]) -> bytes | None:
        length = self.headers.get("Content-Length")
        if length is None or not length.isdigit():
            self.close_connection = True
            self._send(error_reply(411, "send the body with a Content-Length",
                                   "invalid_request_error", "length_required"), record)  # fmt: skip
            return None
        if int(length) > MAX_BODY_BYTES:
            self.close_connection = True
            message = f"the body is over {MAX_BODY_BYTES} bytes"
            self._send(error_reply(413, message, "invalid_request_error", "too_large"), record)
            return None
        return self.rfile.read(int(length))

    def _authorised(self) -> bool:
        return self.headers.get("Authorization", "") == f"Bearer {self.state.settings.key}"

    def _no_such_path(self) -> Reply:
        message = f"Unknown request URL: {self.command} {self.path[:FIELD_CAP]}."
        return error_reply(404, message, "invalid_request_error", "unknown_url")

    def _send(self, reply: Reply, record: dict[str, Any]) -> None:
        record.update(reply.logged)
        try:
            self.send_response(reply.status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(reply.body)))
            for name, value in reply.headers:
                self.send_header(name, value)
            self.end_headers()
            self.wfile.write(reply.body)
            self.wfile.flush()
        except OSError:
            record["client_disconnected"] = True
            self.close_connection = True
            return
        record["status"], record["t_end"] = reply.status, self.state.clock()


# --- running ----------------------------------------------------------------------------------


def make_server(host: str, port: int, state: ApiState) -> ThreadingHTTPServer:
    """A threading server bound and listening, whose handlers share `state`."""
    handler = type("BoundHandler", (Handler,), {"state": state})
    server = ThreadingHTTPServer((host, port), handler)
    server.daemon_threads = True
    return server


def load(args: argparse.Namespace) -> Settings:
    if args.config:
        try:
            config = json.loads(Path(args.config).read_text(encoding="utf-8"))
        except (OSError, ValueError) as err:
            raise ConfigError(f"{args.config}: cannot read it as JSON ({err})") from err
        if not isinstance(config, dict):
            raise ConfigError(f"{args.config}: must hold a JSON object")
    else:
        config = public_config()
        if args.demo_faults:
            config["faults"] = DEMO_FAULTS
    if args.latency_factor is not None:
        config["latency_factor"] = args.latency_factor
    return settings_from(config)


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    parser.add_argument("--config", help="the JSON config (default: the built-in public one)")
    parser.add_argument("--log", help="append one JSON line per request to this file")
    parser.add_argument("--host", default=DEFAULT_HOST)
    parser.add_argument("--port", type=int, default=DEFAULT_PORT, help="0: any free port")
    parser.add_argument("--latency-factor", type=float, default=None,
                        help="scale the simulated latencies (0: answer at once)")  # fmt: skip
    parser.add_argument("--demo-faults", action="store_true",
                        help="the built-in config with a fixed public demo of faults")  # fmt: skip
    return parser.parse_args(argv)


def serve(server: ThreadingHTTPServer, state: ApiState) -> None:
    """Serve until SIGTERM or SIGINT, then let the requests in flight log themselves."""

    def stop(_signum: int, _frame: FrameType | None) -> None:
        state.stop.set()
        threading.Thread(target=server.shutdown, daemon=True).start()

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    try:
        server.serve_forever(poll_interval=0.2)
    finally:
        state.stop.set()
        deadline = time.monotonic() + SHUTDOWN_GRACE_S
        while state.in_flight and time.monotonic() < deadline:
            time.sleep(POLL_S)
        server.server_close()
        state.log.close()


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    try:
        settings = load(args)
        log = RequestLog(Path(args.log) if args.log else None, settings.log_max_bytes)
    except (ConfigError, OSError) as err:
        print(f"model API: {err}", file=sys.stderr)
        return 2
    state = ApiState(settings, log)
    try:
        server = make_server(args.host, args.port, state)
    except OSError as err:
        print(f"model API: cannot listen on {args.host}:{args.port} ({err.strerror}); "
              "pass --port 0 for any free port", file=sys.stderr)  # fmt: skip
        return 2
    port = server.server_address[1]
    print(f"{settings.name} listening on http://{args.host}:{port}/v1 (key: {settings.key})",
          flush=True)  # fmt: skip
    serve(server, state)
    return 0


if __name__ == "__main__":
    sys.exit(main())
