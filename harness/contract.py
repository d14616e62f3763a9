"""The submission contract: reading and checking a submission's `assessment.toml`.

Every problem is phrased for the candidate who wrote the file: which section and key, what
is wrong, and what to write instead. All problems are reported together in one line, so a
candidate fixes them in one pass.
"""

from __future__ import annotations

import math
import re
import shlex
import string
import tomllib
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

from pydantic import Field

from harness.errors import ContractError
from harness.models import Estimate, Frozen

CONTRACT_FILE = "assessment.toml"
CONTRACT_HINT = "see 'Submission contract' in the challenge brief"
SECTIONS = ("submission", "commands", "serve", "estimate")
COMMANDS = ("train", "predict", "test", "serve")
MODEL_API_PLACEHOLDERS = frozenset({"model_api", "model_api_key"})
"""The model API's address and key: only for a challenge that gives one (see
`check_model_api_placeholders`), and only in the stages that may call it."""
MODEL_API_COMMANDS = ("train", "predict", "serve")
BASE_PLACEHOLDERS: Mapping[str, frozenset[str]] = {
    "train": frozenset({"data", "artifacts"}),
    "predict": frozenset({"artifacts", "input", "output"}),
    "test": frozenset({"data", "artifacts"}),
    "serve": frozenset({"artifacts", "port"}),
}
PLACEHOLDERS: Mapping[str, frozenset[str]] = {
    name: allowed | (MODEL_API_PLACEHOLDERS if name in MODEL_API_COMMANDS else frozenset())
    for name, allowed in BASE_PLACEHOLDERS.items()
}
"""What a command may use when the challenge gives a model API; without one, the
`BASE_PLACEHOLDERS`."""
REQUIRED_PLACEHOLDERS: Mapping[str, frozenset[str]] = {
    "train": frozenset({"data"}),
    "predict": frozenset({"input", "output"}),
    "test": frozenset(),
    "serve": frozenset({"port"}),
}
PLACEHOLDER_MEANING = {
    "data": "the folder with the training data",
    "input": "the features CSV to predict",
    "output": "where your predictions CSV goes",
    "port": "the port your service listens on",
    "model_api": "the model API's base URL",
    "model_api_key": "the model API's key",
}
CHALLENGE_ID = re.compile(r"^[a-z0-9][a-z0-9-]{0,63}$")
METRIC_NAME = re.compile(r"^[A-Za-z][A-Za-z0-9_\-]{0,63}$")
URL_PATH_PUNCTUATION = "-._~!$&'()*+,;=:@/%?"
"""RFC 3986's path characters besides letters and digits, and `?` for a query."""
URL_PATH_CHARACTERS = frozenset(string.ascii_letters + string.digits + URL_PATH_PUNCTUATION)


class Commands(Frozen):
    """The commands the harness runs, placeholders still in them."""

    train: str
    predict: str
    test: str | None = None
    serve: str | None = None


class ServeSpec(Frozen):
    """Where the candidate's service answers."""

    health: str = "/health"
    predict: str = "/predict"


class Contract(Frozen):
    """A valid `assessment.toml`."""

    challenge: str
    commands: Commands
    serve: ServeSpec | None = None
    estimate: Estimate
    warnings: tuple[str, ...] = Field(default=(), description="Problems that do not block.")


def load_contract(root: Path) -> Contract:
    """Read and check `assessment.toml` at the top of an unpacked submission."""
    path = root / CONTRACT_FILE
    if not path.is_file():
        raise ContractError(_missing_file_message(root), hint=CONTRACT_HINT)
    return parse_contract(path.read_bytes())


def parse_contract(raw: bytes) -> Contract:
    """Check the text of an `assessment.toml`; raises `ContractError` naming every problem."""
    try:
        data = tomllib.loads(raw.decode("utf-8"))
    except UnicodeDecodeError as err:
        raise ContractError(
            f"{CONTRACT_FILE} is not UTF-8 text (byte {err.start})", hint="save it as UTF-8"
        ) from err
    except tomllib.TOMLDecodeError as err:
        raise ContractError(
            f"{CONTRACT_FILE} is not valid TOML: {err}", hint="fix that line and zip again"
        ) from err
    problems: list[str] = []
    for check in _CHECKS:
        problems.extend(check(data))
    if problems:
        raise ContractError(f"{CONTRACT_FILE}: " + "; ".join(problems), hint=CONTRACT_HINT)
    return _build(data)


def _missing_file_message(root: Path) -> str:
    nested = sorted(root.glob(f"*/**/{CONTRACT_FILE}"))
    if nested:
        where = nested[0].relative_to(root).as_posix()
        return f"{CONTRACT_FILE} must be at the top of the zip, but it is at {where}"
    return f"the submission has no {CONTRACT_FILE} at its top level"


def _check_sections(data: Mapping[str, Any]) -> list[str]:
    problems = [
        f"unknown section [{name}] (the sections are {', '.join(SECTIONS)})"
        for name in data
        if name not in SECTIONS
    ]
    problems += [
        f"[{name}] must be a section, e.g. a line '[{name}]' followed by its keys"
        for name in SECTIONS
        if name in data and not isinstance(data[name], dict)
    ]
    return problems


def _section(data: Mapping[str, Any], name: str) -> Mapping[str, Any]:
    value = data.get(name)
    return value if isinstance(value, dict) else {}


def _check_submission(data: Mapping[str, Any]) -> list[str]:
    if "submission" not in data:
        return ['[submission] is missing: add it with challenge = "<the challenge id>"']
    if not isinstance(data["submission"], dict):
        return []  # reported by _check_sections
    section = _section(data, "submission")
    problems = _unknown_keys("submission", section, ("challenge",))
    challenge = section.get("challenge")
    if challenge is None:
        problems.append('[submission] challenge is missing: add challenge = "<challenge id>"')
    elif not isinstance(challenge, str) or not CHALLENGE_ID.match(challenge):
        problems.append(
            "[submission] challenge must be the challenge id from the brief "
            f"(lowercase letters, digits and dashes), not {challenge!r}"
        )
    return problems


def _check_commands(data: Mapping[str, Any]) -> list[str]:
    if "commands" not in data:
        return ["[commands] is missing: add it with at least train and predict"]
    if not isinstance(data["commands"], dict):
        return []
    section = _section(data, "commands")
    problems = _unknown_keys("commands", section, COMMANDS, what="command")
    for name in ("train", "predict"):
        if name not in section:
            problems.append(f"[commands] {name} is missing: add the command that runs {name}")
    for name in COMMANDS:
        if name in section:
            problems.extend(_check_command(name, section[name]))
    return problems


def _check_command(name: str, command: object) -> list[str]:
    where = f"[commands] {name}"
    if not isinstance(command, str) or not command.strip():
        return [f'{where} must be a non-empty string, e.g. {name} = "python -m ..."']
    if "\n" in command:
        return [f"{where} must be one line"]
    try:
        shlex.split(command)
        fields = _fields(command)
    except ValueError as err:
        return [f"{where} cannot be parsed ({err}); write literal braces as {{{{ and }}}}"]
    allowed = PLACEHOLDERS[name]
    used = {_bare_name(field) for field, _, _ in fields}
    choices = BASE_PLACEHOLDERS[name]  # the model API's are named where a challenge has one
    problems = [_placeholder_problem(where, field, choices) for field in sorted(used - allowed)]
    problems += [
        problem
        for field, spec, conversion in fields
        if _bare_name(field) in allowed
        and (problem := _decoration_problem(where, field, spec, conversion))
    ]
    problems += [
        f"{where} does not use {{{field}}} ({PLACEHOLDER_MEANING[field]})"
        for field in sorted(REQUIRED_PLACEHOLDERS[name] - used)
    ]
    return problems


def check_model_api_placeholders(contract: Contract, has_model_api: bool) -> None:
    """Refuse `{model_api}` and `{model_api_key}` for a challenge without a model API, in
    the words intake uses for any unknown placeholder (the contract is read before the
    challenge is known, so this is checked once it is)."""
    if has_model_api:
        return
    problems = [
        _placeholder_problem(f"[commands] {name}", field, BASE_PLACEHOLDERS[name])
        for name in COMMANDS
        if (command := getattr(contract.commands, name))
        for field in sorted({_bare_name(f) for f, _, _ in _fields(command)})
        if field in MODEL_API_PLACEHOLDERS
    ]
    if problems:
        raise ContractError(f"{CONTRACT_FILE}: " + "; ".join(problems), hint=CONTRACT_HINT)


def _fields(command: str) -> list[tuple[str, str | None, str | None]]:
    """Each placeholder of `command`: its field as written, its format spec, its conversion."""
    parsed = string.Formatter().parse(command)
    return [(field, spec, conversion) for _, field, spec, conversion in parsed if field is not None]


def _placeholder_problem(where: str, field: str, allowed: frozenset[str]) -> str:
    choices = ", ".join(f"{{{name}}}" for name in sorted(allowed))
    if field in MODEL_API_PLACEHOLDERS:  # worded as before the model API existed
        return f"{where} uses {{{field}}}, which is not a placeholder; it can use {choices}"
    if field in PLACEHOLDER_MEANING or field == "artifacts":
        return f"{where} uses {{{field}}}, which is not available there; it can use {choices}"
    return f"{where} uses {{{field}}}, which is not a placeholder; it can use {choices}"


def _bare_name(field: str) -> str:
    """`data` of `data`, `data.x` or `data[0]`: the name before any attribute or index."""
    return re.split(r"[.\[]", field, maxsplit=1)[0]


def _decoration_problem(where: str, field: str, spec: str | None, conversion: str | None) -> str:
    """What is wrong with `{data.x}`, `{data!r}` or `{data:d}`: the harness fills in a
    placeholder as plain text, so anything after its name crashes the stage (or asks for a
    gigabyte of padding); empty when the placeholder is a bare name."""
    name = _bare_name(field)
    written = field + (f"!{conversion}" if conversion else "") + (f":{spec}" if spec else "")
    written = "{" + (written if len(written) <= 60 else written[:59] + "…") + "}"
    if field != name:
        why = "a placeholder is a bare name, with no attribute or index"
    elif spec or conversion:
        why = "placeholders take no format spec or conversion"
    else:
        return ""
    return f"{where} writes {written}: {why}; write {{{name}}}"


def _check_serve(data: Mapping[str, Any]) -> list[str]:
    if not isinstance(data.get("serve"), dict):
        return []
    section = _section(data, "serve")
    problems = _unknown_keys("serve", section, ("health", "predict"))
    if "serve" not in _section(data, "commands"):
        problems.append("[serve] is given but [commands] serve is missing: add the command")
    for key in ("health", "predict"):
        value = section.get(key)
        why = None if value is None else _url_path_problem(value)
        if why:
            problems.append(
                f'[serve] {key} must be a URL path: "/" then letters, digits and '
                f'{URL_PATH_PUNCTUATION} only ({why}), e.g. "/{key}"'
            )
    return problems


def _url_path_problem(value: object) -> str:
    """Why `value` cannot go into an HTTP request line as it is (a CR or LF would end the
    line early), or empty when it can."""
    if not isinstance(value, str):
        return f"it is {type(value).__name__}, not text"
    if not value.startswith("/"):
        return 'it does not start with "/"'
    bad = next((c for c in value if c not in URL_PATH_CHARACTERS), None)
    return "" if bad is None else f"it has {bad!r}"


def _check_estimate(data: Mapping[str, Any]) -> list[str]:
    if "estimate" not in data:
        return [
            "[estimate] is missing: add metric, value and method, the score you expect "
            "on new data and how you measured it"
        ]
    if not isinstance(data["estimate"], dict):
        return []
    section = _section(data, "estimate")
    problems = _unknown_keys("estimate", section, ("metric", "value", "method"))
    metric, value, method = (section.get(key) for key in ("metric", "value", "method"))
    if not isinstance(metric, str) or not METRIC_NAME.match(metric):
        problems.append('[estimate] metric must name the metric, e.g. metric = "roc_auc"')
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
        problems.append("[estimate] value must be a number, e.g. value = 0.78")
    if not isinstance(method, str) or not method.strip():
        problems.append('[estimate] method must say how you measured it, e.g. method = "5-fold CV"')
    return problems


def _unknown_keys(
    section: str, values: Mapping[str, Any], known: tuple[str, ...], what: str = "key"
) -> list[str]:
    return [
        f"[{section}] has an unknown {what} {key!r} (known: {', '.join(known)})"
        for key in values
        if key not in known
    ]


_CHECKS: tuple[Callable[[Mapping[str, Any]], list[str]], ...] = (
    _check_sections,
    _check_submission,
    _check_commands,
    _check_serve,
    _check_estimate,
)


def _build(data: Mapping[str, Any]) -> Contract:
    commands = Commands(**_section(data, "commands"))
    serve = ServeSpec(**_section(data, "serve")) if commands.serve else None
    warnings = []
    if commands.serve and "serve" not in data:
        warnings.append("[serve] is not given: the harness probes /health and /predict")
    return Contract(
        challenge=_section(data, "submission")["challenge"],
        commands=commands,
        serve=serve,
        estimate=Estimate(**_section(data, "estimate")),
        warnings=tuple(warnings),
    )
