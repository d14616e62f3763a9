"""Deployment thinking: did they build or describe how it is served, monitored, and fails?

Six checks: the Dockerfile, serving code and a declared `serve` command, the live probe of
that service, input validation at the boundary, the saved model artefact, and what the
write-up says about running it. Code is read through its syntax tree, never run.
"""

from __future__ import annotations

import ast
import functools
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import PurePosixPath

from harness.checks import evidence
from harness.checks.context import CheckContext
from harness.checks.registry import Judgement, check, graded, skipped
from harness.models import Evidence

SHOWN = 4
FENCE = re.compile(r"^ {0,3}(```|~~~)")
LIST_ITEM = re.compile(r"^\s*(?:[-*+]|\d+\.)\s+")
SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[A-Z`*(\"'])")


# --- reading the submission -----------------------------------------------------------------


@dataclass(frozen=True)
class Source:
    """A parsed non-test Python file."""

    path: str
    tree: ast.Module
    lines: tuple[str, ...]

    def line(self, number: int) -> str:
        return self.lines[number - 1].strip() if 0 < number <= len(self.lines) else ""


@functools.lru_cache(maxsize=512)
def _parse(text: str) -> ast.Module | None:
    try:
        return ast.parse(text)
    except (SyntaxError, ValueError):
        return None


def _is_test_code(path: str) -> bool:
    parts = PurePosixPath(path).parts
    name = parts[-1]
    return (
        name.startswith("test_")
        or name.endswith("_test.py")
        or name == "conftest.py"
        or any(part in ("tests", "test") for part in parts[:-1])
    )


def sources(context: CheckContext) -> list[Source]:
    """The submission's non-test `.py` files that parse."""
    found = []
    for module in context.inventory.modules:
        text = None if _is_test_code(module.path) else context.text(module.path)
        tree = _parse(text) if text is not None else None
        if text is not None and tree is not None:
            found.append(Source(module.path, tree, tuple(text.splitlines())))
    return found


def _call_name(node: ast.Call) -> str:
    func = node.func
    return func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")


def _base_name(node: ast.Call) -> str:
    """`joblib` in `joblib.dump(...)`, `` for a bare `dump(...)`."""
    func = node.func
    if isinstance(func, ast.Attribute):
        value = func.value
        return value.id if isinstance(value, ast.Name) else getattr(value, "attr", "")
    return ""


def writeup_sentences(context: CheckContext) -> list[str]:
    """The write-up's prose as sentences: each list item on its own, the lines of a
    paragraph joined, code blocks, list markers and bold or italic marks left out."""
    paragraphs: list[list[str]] = [[]]
    fenced = False
    for line in context.writeup_text.splitlines():
        item = LIST_ITEM.match(line)
        if FENCE.match(line):
            fenced = not fenced
        elif not fenced and (item or not line.strip()):
            paragraphs.append([line[item.end() :]] if item else [])
        elif not fenced:
            paragraphs[-1].append(line.strip())
    text = [re.sub(r"[*_]{2}", "", " ".join(p).strip()) for p in paragraphs if p]
    return [s.strip() for p in text for s in SENTENCE_END.split(p) if s.strip()]


def _passage(sentence: str) -> str:
    return sentence if len(sentence) <= 300 else sentence[:297] + "..."


def _marks(source: Source, test: Callable[[ast.AST], bool]) -> Iterator[Found]:
    for node in ast.walk(source.tree):
        if test(node):
            line = getattr(node, "lineno", 0)
            yield Found(source.path, line, source.line(line))


# --- deploy.dockerfile ----------------------------------------------------------------------

SECRET_NAME = re.compile(
    r"(?:^|_)(?:api_?key|secret(?:_key)?|password|passwd|token|access_?key|private_?key"
    r"|auth_?token|client_?secret|credentials?)$",
    re.IGNORECASE,
)
INSTALLS_REQUIREMENTS = re.compile(
    r"pip3? install[^&;]*(-r\s|--requirement|\s\.(\s|$|\[)|-e\s)|poetry install|uv sync"
    r"|uv pip install[^&;]*-r\s|pipenv install|conda env (create|update)|micromamba"
)
CONTAINER_WORDS = re.compile(r"\b(docker\w*|container\w*|kubernetes|k8s|helm)\b", re.I)
DOCKER_PROPERTIES = (
    "pinned base image",
    "non-root USER",
    "installs from requirements",
    "CMD starts the service",
    "HEALTHCHECK",
)
"""What a good serving Dockerfile does; each is worth a fifth of 0.75. A secret in ENV or
ARG is not a sixth property but a cap."""


@dataclass(frozen=True)
class Instruction:
    """One Dockerfile instruction, continuation lines joined."""

    keyword: str
    arguments: str
    line: int


@check("deploy.dockerfile", dimension="deployment", title="Dockerfile")
def dockerfile(context: CheckContext) -> Judgement:
    """Looks at the submission's Dockerfile (the top-level one, else the first found) and
    what it does well or badly: a pinned base image (a version tag or a digest, not
    `:latest` or no tag), a non-root `USER` in the final stage, no secrets in `ENV`/`ARG`,
    dependencies installed from a requirements file (or the project itself), a `CMD` or
    `ENTRYPOINT` that starts a server rather than training (the model is built or mounted,
    not trained at start-up), and a `HEALTHCHECK`.

    Why it matters: a container is how a model reaches production. A missing Dockerfile is
    not "not applicable": deployment thinking is what is judged, so it scores 0, except
    that a write-up describing how it would be containerised earns 0.4 (the thinking, not
    yet the work). A Dockerfile earns 0.25 for existing and 0.15 for each of the five other
    habits, so a one-line `FROM` earns about what the words alone do; a secret set in
    `ENV`/`ARG` caps the score at 0.4.

    Evidence: the Dockerfile's line for each habit found (a secret's value redacted), and
    what is missing."""
    chosen = _chosen_dockerfile(context.inventory.dockerfiles)
    if chosen is None:
        return _no_dockerfile(context)
    instructions = parse_dockerfile(context.text(chosen) or "")
    found = _docker_properties(instructions)
    secrets = [i for i in instructions if i.keyword in ("ENV", "ARG") and _sets_secret(i)]
    missing = [name for name, line in found.items() if line is None]
    score = 0.25 + 0.75 * (1 - len(missing) / len(DOCKER_PROPERTIES))
    score = min(score, 0.4) if secrets else score
    message = f"{chosen}: " + (
        f"missing {', '.join(missing)}" if missing else "all five good habits"
    )
    message += f"; secrets set in ENV/ARG ({', '.join(map(_variable, secrets))})" if secrets else ""
    shown = [
        evidence.code(context, chosen, line).model_copy(update={"value": name})
        for name, line in found.items()
        if line is not None
    ]
    shown += [
        evidence.snippet(chosen, i.line, f"{i.keyword} {_variable(i)}=[redacted]")
        for i in secrets[:SHOWN]
    ]
    shown.append(evidence.text("missing: " + (", ".join(missing) or "nothing"), chosen))
    return graded(score, message, *shown)


def _chosen_dockerfile(paths: tuple[str, ...]) -> str | None:
    return min(paths, key=lambda p: (p.count("/"), p != "Dockerfile", p)) if paths else None


def _no_dockerfile(context: CheckContext) -> Judgement:
    looked = evidence.text(
        f"no Dockerfile in the submission (looked for files named Dockerfile* among "
        f"{context.inventory.files} files)"
    )
    described = [s for s in writeup_sentences(context) if CONTAINER_WORDS.search(s)]
    if described:
        passage = evidence.text(_passage(described[0]), _writeup_path(context))
        return graded(0.4, "no Dockerfile; the write-up describes containerising", looked, passage)
    return graded(0.0, "no Dockerfile, and the write-up does not describe a container", looked)


def parse_dockerfile(text: str) -> list[Instruction]:
    """Instructions in order, comments dropped, `\\` continuations joined."""
    found: list[Instruction] = []
    pending: tuple[int, str] | None = None
    for number, raw in enumerate(text.splitlines(), 1):
        line = raw.strip()
        if not line or (line.startswith("#") and pending is None):
            continue
        start, joined = pending or (number, "")
        joined = f"{joined} {line.removesuffix(chr(92))}".strip()
        pending = (start, joined) if line.endswith("\\") else None
        if pending is None:
            keyword, _, arguments = joined.partition(" ")
            found.append(Instruction(keyword.upper(), arguments.strip(), start))
    return found


def _docker_properties(instructions: list[Instruction]) -> dict[str, int | None]:
    """Per property, the line that shows it (None: not there)."""
    final = _final_stage(instructions)
    run = [i for i in instructions if i.keyword == "RUN"]
    start = [i for i in final if i.keyword in ("CMD", "ENTRYPOINT")]
    users = [i for i in final if i.keyword == "USER"]
    checks = [i for i in final if i.keyword == "HEALTHCHECK" and i.arguments.upper() != "NONE"]
    return {
        "pinned base image": _pinned_base(instructions),
        "non-root USER": users[-1].line if users and not _is_root(users[-1]) else None,
        "installs from requirements": _first(
            i for i in run if INSTALLS_REQUIREMENTS.search(i.arguments)
        ),
        "CMD starts the service": (
            start[-1].line if start and "train" not in start[-1].arguments.lower() else None
        ),
        "HEALTHCHECK": checks[-1].line if checks else None,
    }


def _final_stage(instructions: list[Instruction]) -> list[Instruction]:
    starts = [n for n, i in enumerate(instructions) if i.keyword == "FROM"]
    return instructions[starts[-1] :] if starts else instructions


def _first(instructions: Iterator[Instruction]) -> int | None:
    return next((i.line for i in instructions), None)


def _pinned_base(instructions: list[Instruction]) -> int | None:
    """The last FROM's line if every base image is pinned (earlier stages by name are fine)."""
    stages: set[str] = set()
    line = None
    for instruction in (i for i in instructions if i.keyword == "FROM"):
        words = [w for w in instruction.arguments.split() if not w.startswith("--")]
        if not words:
            return None
        image = words[0]
        if image.lower() not in stages and not _pinned(image):
            return None
        if len(words) >= 3 and words[1].lower() == "as":
            stages.add(words[2].lower())
        line = instruction.line
    return line


def _pinned(image: str) -> bool:
    if "@sha256:" in image or image == "scratch":
        return True
    name = image.rsplit("/", 1)[-1]
    tag = name.partition(":")[2]
    return bool(tag) and tag != "latest" and any(ch.isdigit() for ch in tag)


def _is_root(user: Instruction) -> bool:
    return user.arguments.split(":")[0].strip() in ("root", "0", "")


def _sets_secret(instruction: Instruction) -> bool:
    """An ENV or ARG that gives a secret-looking name a value (`${ARG}` passed on is not)."""
    pairs = re.findall(r"([A-Za-z_][A-Za-z0-9_]*)(?:=|\s+)(\S+)", instruction.arguments)
    if instruction.keyword == "ENV" and "=" not in instruction.arguments:
        pairs = pairs[:1]
    values = [(name, value.strip("\"'")) for name, value in pairs]
    return any(SECRET_NAME.search(name) and v and not v.startswith("$") for name, v in values)


def _variable(instruction: Instruction) -> str:
    """The first variable an ENV or ARG sets, without its value."""
    return re.split(r"[=\s]", instruction.arguments, maxsplit=1)[0]


def _writeup_path(context: CheckContext) -> str | None:
    return context.inventory.writeup.path if context.inventory.writeup else None


# --- deploy.serving -------------------------------------------------------------------------

SERVICE_WORDS = re.compile(
    r"\b(api|endpoint|web service|service|fastapi|flask|http|serv(e|ed|ing))\b", re.I
)


@check("deploy.serving", dimension="deployment", title="Serving code")
def serving(context: CheckContext) -> Judgement:
    """Looks at whether the submission can be served: a web framework or model server
    imported in its (non-test, non-notebook) code (FastAPI, Flask, uvicorn, BentoML, ...,
    from the inventory's capabilities), and a `serve` command declared in assessment.toml so
    the harness can start and probe it.

    Why it matters: a model only a batch script can call is half-deployed; a declared,
    working service is what another team can integrate. Score: both 1.0; a `serve` command
    without a known framework 0.75 (the probe shows whether it works); serving code without a
    `serve` command 0.5; neither, but the write-up describes an API or service, 0.2.

    Evidence: the import lines of the serving code, and the declared command."""
    uses = [
        c
        for c in context.inventory.capabilities
        if c.category == "serving" and c.path.endswith(".py") and not _is_test_code(c.path)
    ]
    command = context.contract.commands.serve
    found: list[Evidence] = [
        evidence.code(context, use.path, use.line).model_copy(update={"value": use.module})
        for use in uses[:SHOWN]
    ]
    if command:
        found.append(evidence.text(f'serve = "{command}"', "assessment.toml"))
    score, message = _serving_score(context, bool(uses), command is not None, found)
    return graded(score, message, *found)


def _serving_score(
    context: CheckContext, has_code: bool, declared: bool, found: list[Evidence]
) -> tuple[float, str]:
    if has_code and declared:
        return 1.0, "serving code and a declared serve command the harness can probe"
    if declared:
        return 0.75, "a serve command is declared; no known web framework is imported"
    if has_code:
        return 0.5, "serving code, but no serve command in assessment.toml to probe it"
    described = [s for s in writeup_sentences(context) if SERVICE_WORDS.search(s)]
    found.append(evidence.text("no web framework imported and no serve command declared"))
    if described:
        found.append(evidence.text(_passage(described[0]), _writeup_path(context)))
        return 0.2, "no serving code; the write-up describes a service"
    return 0.0, "no serving code and no serve command"


# --- deploy.probe ---------------------------------------------------------------------------


@check("deploy.probe", dimension="deployment", title="The live service probe")
def probe(context: CheckContext) -> Judgement:
    """Looks at the live probe of the `serve` stage: whether the service became healthy and
    how fast, whether a valid request got a 200, whether malformed requests (not JSON, an
    empty object, wrong types, missing fields) were refused with a 4xx (a 5xx or no answer
    is bad), whether it was still alive afterwards, and its p50/p95 latency. Skipped when no
    `serve` command was declared, or the harness did not run the stage (it says why).

    Why it matters: this is behaviour, not words: a service that crashes on a bad request
    or answers garbage with a 500 will page someone at night. Score: healthy 0.3 (0 if it
    never started), valid request 0.3, malformed requests refused 0.25 (by share), alive
    after 0.15; a p95 over 300 ms costs 0.05, over 1 s 0.1.

    Evidence: each measured value as a metric, and the serve log."""
    if not context.contract.commands.serve:
        return skipped(
            "no serve command declared, so there was no service to probe",
            evidence.text("assessment.toml [commands] has no serve", "assessment.toml"),
        )
    stage = context.stage("serve")
    report = context.probe
    if stage.verdict == "not_run":
        return skipped(
            f"serve was declared but not run: {stage.reason}", evidence.log(context, "serve")
        )
    if report is None or not report.healthy:
        reason = stage.reason or "it never answered its health check"
        return graded(0.0, f"the service did not start: {reason}", evidence.log(context, "serve"))
    score, problems = _probe_score(
        report.valid_status(),
        report.malformed_statuses(),
        report.alive_after,
        _latency(report.raw, "p95"),
    )
    message = f"healthy after {report.time_to_healthy_s:g} s; " + (
        "; ".join(problems)
        if problems
        else "valid request answered, malformed ones refused with 4xx"
    )
    return graded(score, message, *_probe_evidence(context), evidence.log(context, "serve"))


def _probe_score(
    valid: int | None, malformed: dict[str, int | None], alive: bool, p95: float | None
) -> tuple[float, list[str]]:
    problems = []
    answered = valid is not None and 200 <= valid < 300
    if not answered:
        problems.append(f"a valid request got {valid or 'no answer'}")
    refused = [name for name, status in malformed.items() if status and 400 <= status < 500]
    if len(refused) < len(malformed):
        bad = sorted(set(malformed) - set(refused))
        problems.append("malformed requests not refused with 4xx: " + ", ".join(bad))
    if not alive:
        problems.append("it stopped answering during the probe")
    slow = 0.1 if p95 is not None and p95 > 1000 else 0.05 if p95 is not None and p95 > 300 else 0
    if slow:
        problems.append(f"slow: p95 {p95:g} ms")
    share = len(refused) / len(malformed) if malformed else 0.0
    return 0.3 + 0.3 * answered + 0.25 * share + 0.15 * alive - slow, problems


def _latency(raw: dict[str, object], key: str) -> float | None:
    latency = raw.get("latency_ms")
    value = latency.get(key) if isinstance(latency, dict) else None
    return float(value) if isinstance(value, int | float) else None


def _probe_evidence(context: CheckContext) -> list[Evidence]:
    report = context.probe
    assert report is not None
    found = [
        evidence.metric(
            "time_to_healthy_s", report.time_to_healthy_s, "seconds to a healthy answer"
        ),
        evidence.metric("valid_status", report.valid_status(), "HTTP status of a valid request"),
    ]
    found += [
        evidence.metric(f"malformed_{name}", status, f"HTTP status of a malformed request ({name})")
        for name, status in report.malformed_statuses().items()
    ]
    found += [
        evidence.metric(f"latency_{key}_ms", _latency(report.raw, key), f"{key} latency in ms")
        for key in ("p50", "p95")
    ]
    found.append(evidence.metric("alive_after", "yes" if report.alive_after else "no"))
    return found


# --- deploy.validation ----------------------------------------------------------------------

SCHEMA_BASES = frozenset({"BaseModel", "DataFrameModel", "SchemaModel", "Schema"})
SCHEMA_CALLS = frozenset({"DataFrameSchema", "Schema", "model_validate", "parse_obj", "validate"})
CHECK_WORDS = re.compile(
    r"column|missing|required|absent|schema|dtype|expected|isna|isnull|notna|not in|unknown"
    r"|invalid|feature|field|range|negative",
    re.I,
)


@dataclass(frozen=True)
class Found:
    """A line of code that shows something: where, and what."""

    path: str
    line: int
    text: str


@check("deploy.validation", dimension="deployment", title="Input validation at the boundary")
def validation(context: CheckContext) -> Judgement:
    """Looks for input validation where data enters: a schema library (pydantic, pandera,
    marshmallow, jsonschema, ...) imported and a schema defined with it (a `BaseModel` or
    `DataFrameModel` subclass, a `DataFrameSchema`), and explicit checks in the code that
    raise on bad input (an `if` about columns, missing or unknown values followed by a
    `raise`, a `validate_*`/`check_*` function that raises, an `HTTPException`), read from
    the syntax tree. The probe's answers count too: malformed requests all refused with a
    4xx show validation in behaviour.

    Why it matters: a model fed a renamed column or text in a number field should fail
    loudly at the door, not predict nonsense quietly. Score: a schema and explicit checks
    1.0, one of them 0.7, only the library imported 0.3, nothing 0; malformed requests all
    refused lifts the score to at least 0.6 and adds 0.1.

    Evidence: the schema and check lines, and the probe's statuses when it ran."""
    code = sources(context)
    schemas = [f for source in code for f in _marks(source, _is_schema)]
    checks = [f for source in code for f in _marks(source, _is_input_check)]
    imported = any(c.category == "validation" for c in context.inventory.capabilities)
    observed = _refused_all(context)
    score = 1.0 if schemas and checks else 0.7 if schemas or checks else 0.3 if imported else 0.0
    if observed:
        score = max(score, 0.6) + 0.1
    found = [evidence.snippet(f.path, f.line, f.text) for f in [*schemas[:2], *checks[:SHOWN]]]
    if observed:
        found.append(evidence.text("the probe's malformed requests were all refused with a 4xx"))
    if not found:
        found.append(
            evidence.text(
                f"no schema and no raise on bad input in {len(code)} modules"
                + (
                    "; a validation library is imported but not used for a schema"
                    if imported
                    else ""
                )
            )
        )
    return graded(score, _validation_message(len(schemas), len(checks), imported, observed), *found)


def _validation_message(schemas: int, checks: int, imported: bool, observed: bool) -> str:
    parts = [
        f"{schemas} input schema{'s' * (schemas != 1)}" if schemas else "",
        f"{checks} explicit check{'s' * (checks != 1)} that raise" if checks else "",
        "malformed requests refused with 4xx" if observed else "",
    ]
    said = ", ".join(p for p in parts if p)
    if said:
        return f"input is validated: {said}"
    return (
        "a validation library is imported, no schema found" if imported else "no input validation"
    )


def _is_schema(node: ast.AST) -> bool:
    """A class built on a schema base (`BaseModel`, `DataFrameModel`) or a schema call."""
    if isinstance(node, ast.ClassDef):
        names = [
            b.attr if isinstance(b, ast.Attribute) else getattr(b, "id", "") for b in node.bases
        ]
        return any(name in SCHEMA_BASES for name in names)
    return isinstance(node, ast.Call) and _call_name(node) in SCHEMA_CALLS


def _is_input_check(node: ast.AST) -> bool:
    """An `if` about the input (its test or its error message says so) that raises, or an
    `HTTPException`."""
    if isinstance(node, ast.Call):
        return _call_name(node) == "HTTPException"
    if not isinstance(node, ast.If):
        return False
    raises = [n for n in node.body if isinstance(n, ast.Raise)]
    said = ast.unparse(node.test) + " ".join(ast.unparse(r.exc) for r in raises if r.exc)
    return bool(raises) and CHECK_WORDS.search(said) is not None


def _refused_all(context: CheckContext) -> bool:
    statuses = context.probe.malformed_statuses() if context.probe else {}
    return bool(statuses) and all(s is not None and 400 <= s < 500 for s in statuses.values())


# --- deploy.artifacts -----------------------------------------------------------------------

DUMP_MODULES = frozenset({"joblib", "pickle", "cloudpickle", "dill", "skops", "sio", "torch"})
SAVE_CALLS = frozenset({"save_model", "log_model", "save_pretrained"})
METADATA_FILE = re.compile(r"(meta|manifest|model_card|version|info).*\.(json|ya?ml|toml|txt)$")
VERSION_CALLS = frozenset({"version", "python_version", "get_distribution"})


@check("deploy.artifacts", dimension="deployment", title="Model artefact with versions")
def artifacts(context: CheckContext) -> Judgement:
    """Looks at how the model is saved, read from the syntax tree of the non-test code: a
    dump call (`joblib.dump`, `pickle.dump`, `torch.save`, `save_model`, ...), whether library
    versions are recorded (`sklearn.__version__`, `importlib.metadata.version(...)`,
    `platform.python_version()`), and whether metadata is written beside the model (a
    `metadata.json`-like file, or `json.dump` in the code that saves the model). Model files
    shipped inside the zip are noted: the harness trains its own with `train` and never
    loads them.

    Why it matters: a pickle without the versions that made it may not load next year, and
    no one can say which data or settings produced it; a versioned artefact with metadata
    is what makes rollback and audits possible. Score: saved 0.5, versions recorded 0.3,
    metadata written 0.2; no code that saves a model 0 (0.1 if a model file is shipped).

    Evidence: the dump, version and metadata lines, and the shipped model files."""
    code = sources(context)
    dumps = [f for source in code for f in _marks(source, _is_dump)]
    versions = [f for source in code for f in _marks(source, _records_version)]
    metadata = [f for source in code for f in _marks(source, _writes_metadata)]
    shipped = [
        evidence.file(
            m.path,
            f"{m.size_bytes:,} bytes, shipped inside the zip; the "
            "harness trains its own and never loads it",
        )
        for m in context.inventory.model_files[:SHOWN]
    ]
    if not dumps:
        looked = evidence.text(f"no call that saves a model in {len(code)} non-test modules")
        score = 0.1 if shipped else 0.0
        return graded(
            score,
            "no code saves the model" + (" (a model file is shipped)" if shipped else ""),
            looked,
            *shipped,
        )
    score = 0.5 + 0.3 * bool(versions) + 0.2 * bool(metadata)
    found = [
        evidence.snippet(f.path, f.line, f.text) for f in [*dumps[:2], *versions[:2], *metadata[:2]]
    ]
    recorded = [w for w, hit in (("versions", versions), ("metadata", metadata)) if hit]
    message = "the model is saved" + (
        f" with {' and '.join(recorded)}" if recorded else ", without versions or metadata"
    )
    return graded(score, message, *found, *shipped)


def _is_dump(node: ast.AST) -> bool:
    if not isinstance(node, ast.Call):
        return False
    name, base = _call_name(node), _base_name(node)
    return (
        (name == "dump" and base in DUMP_MODULES | {""})
        or (name == "save" and base == "torch")
        or (name in SAVE_CALLS)
    )


def _records_version(node: ast.AST) -> bool:
    if isinstance(node, ast.Attribute) and node.attr == "__version__":
        return True
    return isinstance(node, ast.Call) and _call_name(node) in VERSION_CALLS


def _writes_metadata(node: ast.AST) -> bool:
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return METADATA_FILE.search(node.value) is not None
    return (
        isinstance(node, ast.Call)
        and _call_name(node) in ("dump", "dumps")
        and _base_name(node)
        in (
            "json",
            "yaml",
        )
    )


# --- deploy.operations ----------------------------------------------------------------------

TOPICS = {
    "serving": (
        0.2,
        re.compile(
            r"\b(serv(e|es|ed|ing)|api|endpoint|batch scor\w*|fastapi|flask"
            r"|docker\w*|container\w*|service)\b",
            re.I,
        ),
    ),
    "monitoring": (
        0.25,
        re.compile(
            r"\b(monitor\w*|alert\w*|dashboard\w*|track\w*|observ\w*"
            r"|metrics? (in|from) production)\b",
            re.I,
        ),
    ),
    "drift": (
        0.25,
        re.compile(
            r"\b(drift\w*|distribution shift|population stability|psi"
            r"|data shift|covariate shift|retrain\w*)\b",
            re.I,
        ),
    ),
    "rollback": (
        0.2,
        re.compile(
            r"\b(roll ?back|roll(ed|ing)? back|revert\w*|previous (model|"
            r"version)|canary|shadow|a/b test\w*|versioned)\b",
            re.I,
        ),
    ),
    "logging": (0.1, re.compile(r"\b(logging|logged|logger|logs|audit\w*)\b", re.I)),
}
CAPABILITY_TOPICS = {"logging": "logging", "monitoring": "monitoring"}


@check("deploy.operations", dimension="deployment", title="Running it: monitoring, drift, rollback")
def operations(context: CheckContext) -> Judgement:
    """Looks at what the write-up says about running the model: how it is served, what is
    monitored, how drift would show and what then (retraining), how to roll back, and
    logging; found sentence by sentence. Logging and monitoring libraries imported in the
    code (`logging`, `structlog`, `prometheus_client`, `evidently`, ...) count as well.

    Why it matters: most of a model's life is after the notebook. A candidate who says what
    to watch, when to retrain and how to undo a bad release has run something in production,
    or thought hard about it. Score: serving 0.2, monitoring 0.25, drift 0.25, rollback 0.2,
    logging 0.1.

    Evidence: the sentence of the write-up found for each topic, the imports that count,
    and the topics missing."""
    sentences = writeup_sentences(context)
    path = _writeup_path(context)
    found: list[Evidence] = []
    covered = []
    for topic, (_, pattern) in TOPICS.items():
        said = next((s for s in sentences if pattern.search(s)), None)
        shown = evidence.text(f"{topic}: {_passage(said)}", path) if said else None
        shown = shown or _capability(context, topic)
        if shown is not None:
            covered.append(topic)
            found.append(shown)
    missing = [t for t in TOPICS if t not in covered]
    found.append(
        evidence.text(
            "not covered: "
            + (", ".join(missing) or "nothing")
            + ("" if path else "; there is no write-up")
        )
    )
    score = sum(TOPICS[t][0] for t in covered)
    message = (f"covers {', '.join(covered)}" if covered else "says nothing about running it") + (
        f"; not {', '.join(missing)}" if covered and missing else ""
    )
    return graded(score, message, *found)


def _capability(context: CheckContext, topic: str) -> Evidence | None:
    category = CAPABILITY_TOPICS.get(topic)
    uses = [
        c
        for c in context.inventory.capabilities
        if c.category == category and not _is_test_code(c.path) and c.path.endswith(".py")
    ]
    if not uses:
        return None
    use = uses[0]
    return evidence.code(context, use.path, use.line).model_copy(
        update={"value": f"{topic}: {use.module}"}
    )
