"""The model API's config for one grading, and the public one of the candidate's stand-in.

A challenge that gives its candidates a model API writes two configs in the server's own
format (server.py), from its generator:

    private/model_api.json          the graded server's base: models (prices, latency, error
                                    rate), rate limit, the lexicon its answers come from, the
                                    canaries planted in the graded data; optionally
                                    `budget_usd_per_1000` (for the analysis) and `fault_salt`
    public/model_api_standin.json   the stand-in's: the same models and rate limit, a weaker
                                    public lexicon, no canary, no fault (optional: without it
                                    the stand-in gets the server's generic lexicon)

For each grading the harness takes the private base and sets a fresh random key and a fault
schedule of the submission's own (faults.py); the key and schedule written in the file are
ignored.

What a public model may know, and so the stand-in: everyday support vocabulary, not the
company's queues as the graded lexicon weighs them (product names, the house's own words);
the prices, latencies, error rates and rate limit the brief announces; a fixed key
(`standin-key`). It knows no canary (that would name the trap) and no fault schedule (only
the server's fixed `--demo-faults`, which is not the graded one).
"""

from __future__ import annotations

import ast
import json
import secrets
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from harness.errors import HarnessError
from harness.model_api import server
from harness.model_api.faults import DEFAULT_SHAPE, ScheduleShape, fault_schedule, schedule_seed

PRIVATE_CONFIG = "private/model_api.json"
PUBLIC_CONFIG = "public/model_api_standin.json"
MODEL_NAMES = tuple(server.PUBLIC_MODELS)
STANDIN_NAME = "model_api_standin.py"
STANDIN_KEY = "standin-key"
BUILTIN_LINE = 'BUILTIN_CONFIG_JSON = ""'
MAX_CONFIG_BYTES = 8 * 1024 * 1024


@dataclass(frozen=True)
class ModelApiSettings:
    """A challenge's two configs, read and checked."""

    private: Mapping[str, Any]
    public: Mapping[str, Any]

    @property
    def budget_usd_per_1000(self) -> float | None:
        budget = self.private.get("budget_usd_per_1000")
        return float(budget) if isinstance(budget, int | float) else None


def has_model_api(challenge_folder: Path) -> bool:
    """Whether the challenge gives its candidates a model API."""
    return (challenge_folder / PRIVATE_CONFIG).is_file()


def offers_model_api(challenge_folder: Path) -> bool:
    """Whether the challenge gives a model API, seen from its private side or, in a
    candidate's unzipped bundle, from the stand-in shipped in it."""
    return has_model_api(challenge_folder) or (challenge_folder / STANDIN_NAME).is_file()


def standin_config(challenge_folder: Path) -> dict[str, Any] | None:
    """The stand-in's config, for a self-check: the public one (no fault, no canary), from
    the challenge's own files or from the stand-in its bundle ships; None without either."""
    if has_model_api(challenge_folder):
        return public_config(load_settings(challenge_folder))
    shipped = challenge_folder / STANDIN_NAME
    if not shipped.is_file():
        return None
    for line in shipped.read_text(encoding="utf-8", errors="replace").splitlines():
        if line.startswith("BUILTIN_CONFIG_JSON = ") and line != BUILTIN_LINE:
            text = ast.literal_eval(line.removeprefix("BUILTIN_CONFIG_JSON = "))
            return {**json.loads(text), "key": STANDIN_KEY, "faults": []}
    raise HarnessError(f"{shipped}: no built-in config (unzip the challenge bundle again)")


def load_settings(challenge_folder: Path) -> ModelApiSettings:
    """Read and check both configs; a problem names the file and the key."""
    private_path = challenge_folder / PRIVATE_CONFIG
    private = _read_config(private_path)
    public_path = challenge_folder / PUBLIC_CONFIG
    public = _read_config(public_path) if public_path.is_file() else _derived_public(private)
    if public.get("canaries") or public.get("faults"):
        raise HarnessError(f"{public_path}: the stand-in must have no canaries and no faults")
    budget = private.get("budget_usd_per_1000")
    if budget is not None and (isinstance(budget, bool) or not isinstance(budget, int | float)):
        raise HarnessError(f"{private_path}: budget_usd_per_1000: must be a number")
    return ModelApiSettings(private, {**public, "key": STANDIN_KEY, "faults": []})


def graded_config(
    settings: ModelApiSettings,
    challenge_seed: int,
    submission_sha256: str,
    key: str = "",
    shape: ScheduleShape = DEFAULT_SHAPE,
) -> dict[str, Any]:
    """The graded server's config for one submission: the private base, a fault schedule of
    its own (see faults.py for why it is keyed so) and a fresh random key unless one is given.
    The analysis reads its prices, budget and limits beside the log."""
    salt = str(settings.private.get("fault_salt", ""))
    seed = schedule_seed(challenge_seed, submission_sha256, salt)
    return {
        **settings.private,
        "name": "model API",
        "key": key or new_key(),
        "faults": fault_schedule(seed, shape),
        "fault_seed": seed,
    }


def public_config(settings: ModelApiSettings | None = None) -> dict[str, Any]:
    """The stand-in's config: the challenge's public one, or the server's generic one."""
    return dict(settings.public) if settings is not None else server.public_config()


def new_key() -> str:
    """A random key per grading: a submission must read it, it cannot have it written in."""
    return f"grade-{secrets.token_hex(16)}"


def server_source() -> str:
    """The server's file as it is mounted into the sidecar."""
    return Path(server.__file__).read_text(encoding="utf-8")


def standin_source(config: Mapping[str, Any]) -> str:
    """`model_api_standin.py` for the candidate bundle: the server with `config` built in."""
    source = server_source()
    if source.count(BUILTIN_LINE) != 1:
        raise HarnessError(f"{server.__file__}: the line {BUILTIN_LINE!r} is not there once")
    text = json.dumps(dict(config), sort_keys=True, ensure_ascii=True, separators=(",", ":"))
    return source.replace(BUILTIN_LINE, f"BUILTIN_CONFIG_JSON = {text!r}")


def standin_bytes(challenge_folder: Path) -> bytes | None:
    """The stand-in of a challenge with a model API, for its bundle; None without one."""
    if not has_model_api(challenge_folder):
        return None
    return standin_source(public_config(load_settings(challenge_folder))).encode("utf-8")


def _read_config(path: Path) -> dict[str, Any]:
    """A config file, checked by the server's own validation and for the fixed model names."""
    try:
        with path.open("rb") as stream:
            config = json.loads(stream.read(MAX_CONFIG_BYTES))
    except FileNotFoundError as err:
        raise HarnessError(f"{path}: no such file") from err
    except (OSError, UnicodeDecodeError, ValueError) as err:
        raise HarnessError(f"{path}: not a readable JSON config ({err})") from err
    if not isinstance(config, dict):
        raise HarnessError(f"{path}: must hold a JSON object")
    try:
        server.settings_from(config)
    except server.ConfigError as err:
        raise HarnessError(f"{path}: {err}") from err
    unknown = sorted(set(config.get("models") or {}) - set(MODEL_NAMES))
    if unknown:
        raise HarnessError(f"{path}: unknown model(s) {', '.join(unknown)}",
                           hint=f"the models are {', '.join(MODEL_NAMES)}")  # fmt: skip
    return config


def _derived_public(private: Mapping[str, Any]) -> dict[str, Any]:
    """A stand-in config from the private one when the challenge wrote none: its models and
    rate limit, the server's generic lexicon, nothing private."""
    generic = server.public_config()
    keep = ("models", "rate_limit", "stall_limit_s")
    return {**generic, **{k: private[k] for k in keep if k in private}, "canaries": []}
