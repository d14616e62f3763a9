"""Deployment thinking in the code and the write-up: validation, the artefact, operations.

Three checks: input validation at the boundary, the saved model artefact, and what the
write-up says about running it. Code is read through its syntax tree, never run.
"""

from __future__ import annotations

import ast
import re
from collections.abc import Callable, Iterator

from harness.checks import evidence
from harness.checks.context import CheckContext
from harness.checks.deployment import SHOWN, passage, writeup_sentences
from harness.checks.prose import writeup_path
from harness.checks.registry import Judgement, check, graded
from harness.checks.source import CodeLine, Source, call_name, shipped_uses, sources
from harness.models import Evidence


def _base_name(node: ast.Call) -> str:
    """`joblib` in `joblib.dump(...)`, `` for a bare `dump(...)`."""
    func = node.func
    if isinstance(func, ast.Attribute):
        value = func.value
        return value.id if isinstance(value, ast.Name) else getattr(value, "attr", "")
    return ""


def _marks(source: Source, test: Callable[[ast.AST], bool]) -> Iterator[CodeLine]:
    for node in ast.walk(source.tree):
        if test(node):
            line = getattr(node, "lineno", 0)
            yield CodeLine(source.path, line, source.line(line))


# --- deploy.validation ----------------------------------------------------------------------

SCHEMA_BASES = frozenset({"BaseModel", "DataFrameModel", "SchemaModel", "Schema"})
SCHEMA_CALLS = frozenset({"DataFrameSchema", "Schema", "model_validate", "parse_obj", "validate"})
CHECK_WORDS = re.compile(
    r"column|missing|required|absent|schema|dtype|expected|isna|isnull|notna|not in|unknown"
    r"|invalid|feature|field|range|negative",
    re.I,
)


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
    return isinstance(node, ast.Call) and call_name(node) in SCHEMA_CALLS


def _is_input_check(node: ast.AST) -> bool:
    """An `if` about the input (its test or its error message says so) that raises, or an
    `HTTPException`."""
    if isinstance(node, ast.Call):
        return call_name(node) == "HTTPException"
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
    name, base = call_name(node), _base_name(node)
    return (
        (name == "dump" and base in DUMP_MODULES | {""})
        or (name == "save" and base == "torch")
        or (name in SAVE_CALLS)
    )


def _records_version(node: ast.AST) -> bool:
    if isinstance(node, ast.Attribute) and node.attr == "__version__":
        return True
    return isinstance(node, ast.Call) and call_name(node) in VERSION_CALLS


def _writes_metadata(node: ast.AST) -> bool:
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return METADATA_FILE.search(node.value) is not None
    return (
        isinstance(node, ast.Call)
        and call_name(node) in ("dump", "dumps")
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
    path = writeup_path(context)
    found: list[Evidence] = []
    covered = []
    for topic, (_, pattern) in TOPICS.items():
        said = next((s for s in sentences if pattern.search(s)), None)
        shown = evidence.text(f"{topic}: {passage(said)}", path) if said else None
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
    uses = shipped_uses(context, category) if category is not None else []
    if not uses:
        return None
    use = uses[0]
    return evidence.code(context, use.path, use.line).model_copy(
        update={"value": f"{topic}: {use.module}"}
    )
