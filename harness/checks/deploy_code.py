"""Deployment thinking in the code and the write-up: validation, the artefact, operations.

Three checks: input validation at the boundary, the saved model artefact, and what the
write-up says about running it. Code is read through its syntax tree, never run.
"""

from __future__ import annotations

import ast
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass

from harness.checks import evidence
from harness.checks.context import CheckContext
from harness.checks.deployment import SHOWN, passage
from harness.checks.prose import writeup_path
from harness.checks.registry import Judgement, check, graded
from harness.checks.source import CodeLine, Source, call_name, shipped_uses, sources
from harness.checks.statements import ClaimKind, describing
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
    r"|invalid|feature|field|range|negative|isinstance|type\(",
    re.I,
)
REFUSING_CALLS = frozenset({"abort", "HTTPException", "make_response", "Response", "JSONResponse"})
"""Calls that answer a request with a status (`abort(400)`, `HTTPException(status_code=422)`)."""
REFUSING_ERRORS = frozenset(
    {"HTTPException", "BadRequest", "UnprocessableEntity", "ValidationError"}
)
"""Exceptions a web framework turns into a 4xx answer."""


@dataclass(frozen=True)
class Refusals:
    """What the probe's malformed requests got back: those refused with a 4xx, of how many."""

    refused: tuple[str, ...]
    statuses: dict[str, int | None]

    @property
    def share(self) -> float:
        return len(self.refused) / len(self.statuses) if self.statuses else 0.0

    @property
    def all(self) -> bool:
        return bool(self.statuses) and len(self.refused) == len(self.statuses)


@check("deploy.validation", dimension="deployment", title="Input validation at the boundary")
def validation(context: CheckContext) -> Judgement:
    """Looks for input validation where data enters, in behaviour first: the live probe's
    malformed requests (not JSON, an empty object, wrong types, missing fields) refused with
    a 4xx show the service validates, whatever its code looks like. Then in the code, read
    from the syntax tree: a schema (a pydantic `BaseModel` or pandera `DataFrameModel`
    subclass, a `DataFrameSchema`, ...) and explicit refusals of bad input (an `if` about
    columns, types or missing values that raises; `abort(400)`; `return ..., 400`;
    `raise HTTPException(status_code=422)`; `BadRequest`), a validation library imported.

    Why it matters: a model fed a renamed column or text in a number field should fail
    loudly at the door, not predict nonsense quietly. Score: every malformed request refused
    with a 4xx 0.9 (1.0 with a schema or explicit checks in code); some refused, a share of
    0.7; from the code alone, a schema and explicit checks 1.0, one of them 0.7, only the
    library imported 0.3, nothing 0. The higher of behaviour and code counts.

    Evidence: the probe's status per malformed request when it ran, the schema and check
    lines."""
    code = sources(context)
    schemas = [f for source in code for f in _marks(source, _is_schema)]
    checks = [f for source in code for f in _marks(source, _is_input_check)]
    imported = any(c.category == "validation" for c in context.inventory.capabilities)
    refusals = _refusals(context)
    in_code = 1.0 if schemas and checks else 0.7 if schemas or checks else 0.3 if imported else 0
    score = max(in_code, _behaviour_score(refusals, bool(schemas or checks)))
    found = _refusal_evidence(refusals)
    found += [evidence.snippet(f.path, f.line, f.text) for f in [*schemas[:2], *checks[:SHOWN]]]
    if not schemas and not checks:
        found.append(
            evidence.text(
                f"no schema and no refusal of bad input in {len(code)} modules"
                + ("; a validation library is imported but not used for a schema" * imported)
            )
        )
    message = _validation_message(len(schemas), len(checks), imported, refusals)
    return graded(score, message, *found)


def _behaviour_score(refusals: Refusals, in_code: bool) -> float:
    if refusals.all:
        return 1.0 if in_code else 0.9
    return 0.7 * refusals.share


def _refusals(context: CheckContext) -> Refusals:
    """The serve stage's probe: which malformed requests were refused with a 4xx."""
    statuses = context.probe.malformed_statuses() if context.probe else {}
    refused = tuple(name for name, s in statuses.items() if s is not None and 400 <= s < 500)
    return Refusals(refused, statuses)


def _refusal_evidence(refusals: Refusals) -> list[Evidence]:
    if not refusals.statuses:
        return []
    shown = ", ".join(
        f"{name} {status or 'no answer'}" for name, status in refusals.statuses.items()
    )
    said = "all refused with a 4xx" if refusals.all else f"{len(refusals.refused)} refused with 4xx"
    return [evidence.text(f"the probe's malformed requests: {shown} ({said})")]


def _validation_message(schemas: int, checks: int, imported: bool, refusals: Refusals) -> str:
    parts = [
        "the service refused every malformed request with a 4xx" if refusals.all else "",
        f"{len(refusals.refused)} of {len(refusals.statuses)} malformed requests refused with a 4xx"
        if refusals.refused and not refusals.all
        else "",
        f"{schemas} input schema{'s' * (schemas != 1)}" if schemas else "",
        f"{checks} explicit check{'s' * (checks != 1)} that raise{'s' * (checks == 1)} or "
        f"answer{'s' * (checks == 1)} 4xx"
        if checks
        else "",
    ]
    said = ", ".join(p for p in parts if p)
    if said:
        return f"input is validated: {said}"
    if refusals.statuses:
        return "the service accepted or crashed on every malformed request; no validation in code"
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
    """An explicit refusal of bad input: an `if` about the input (its test or its error
    message says so) that raises, or an answer with a 4xx status."""
    if isinstance(node, ast.Call | ast.Return | ast.Raise):
        return _refuses_with_4xx(node)
    if not isinstance(node, ast.If):
        return False
    raises = [n for n in node.body if isinstance(n, ast.Raise)]
    said = ast.unparse(node.test) + " ".join(ast.unparse(r.exc) for r in raises if r.exc)
    return bool(raises) and CHECK_WORDS.search(said) is not None


def _refuses_with_4xx(node: ast.Call | ast.Return | ast.Raise) -> bool:
    """`abort(400)`, `HTTPException(status_code=422)`, `return jsonify(...), 400`,
    `raise BadRequest(...)`."""
    if isinstance(node, ast.Return):
        value = node.value
        return isinstance(value, ast.Tuple) and bool(value.elts) and _is_4xx(value.elts[-1])
    if isinstance(node, ast.Raise):
        exc = node.exc.func if isinstance(node.exc, ast.Call) else node.exc
        name = exc.attr if isinstance(exc, ast.Attribute) else getattr(exc, "id", "")
        return name in REFUSING_ERRORS - {"HTTPException"}
    name = call_name(node)
    if name == "HTTPException":
        return True
    given = [*node.args, *(k.value for k in node.keywords if k.arg in ("status", "status_code"))]
    return name in REFUSING_CALLS and any(_is_4xx(arg) for arg in given)


def _is_4xx(node: ast.expr) -> bool:
    value = node.value if isinstance(node, ast.Constant) else None
    if isinstance(node, ast.Attribute) and node.attr.startswith(("HTTP_4", "BAD_REQUEST")):
        return True  # status.HTTP_422_UNPROCESSABLE_ENTITY, HTTPStatus.BAD_REQUEST
    return isinstance(value, int) and not isinstance(value, bool) and 400 <= value < 500


# --- deploy.artifacts -----------------------------------------------------------------------

DUMP_MODULES = frozenset({"joblib", "pickle", "cloudpickle", "dill", "skops", "sio", "torch"})
SAVE_CALLS = frozenset({"save_model", "log_model", "save_pretrained"})
METADATA_FILE = re.compile(r"(meta|manifest|model_card|version|info).*\.(json|ya?ml|toml|txt)$")
VERSION_CALLS = frozenset({"version", "python_version", "get_distribution"})


def model_saves(context: CheckContext) -> list[CodeLine]:
    """The calls in the submission's non-test code that save a model (pickle, joblib, a
    framework's own save): where its trained model goes."""
    return [f for source in sources(context) for f in _marks(source, _is_dump)]


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
    dumps = model_saves(context)
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
        or (name == "dumps" and base in DUMP_MODULES)  # bytes written by the caller
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

TOPICS: dict[str, tuple[float, tuple[ClaimKind, ...]]] = {
    "serving": (0.2, ("serving", "batch", "containers")),
    "monitoring": (0.25, ("monitoring",)),
    "drift": (0.25, ("drift",)),
    "rollback": (0.2, ("rollback",)),
    "logging": (0.1, ("logging",)),
}
"""Each topic's weight and the claims of the write-up that cover it."""
CAPABILITY_TOPICS = {"logging": "logging", "monitoring": "monitoring"}


@check("deploy.operations", dimension="deployment", title="Running it: monitoring, drift, rollback")
def operations(context: CheckContext) -> Judgement:
    """Looks at what the write-up says about running the model: how it is served, what is
    monitored, how drift would show and what then (retraining), how to roll back, and
    logging; found sentence by sentence by the write-up reader (`statements`): a sentence
    that says it is done or would be done counts, one that says it is not ("no monitoring
    yet") does not, and words in another sense (a team that logs calls) are not logging.
    Logging and monitoring libraries imported in the code (`logging`, `structlog`,
    `prometheus_client`, `evidently`, ...) count as well.

    Why it matters: most of a model's life is after the notebook. A candidate who says what
    to watch, when to retrain and how to undo a bad release has run something in production,
    or thought hard about it. Score: serving 0.2, monitoring 0.25, drift 0.25, rollback 0.2,
    logging 0.1.

    Evidence: the sentence of the write-up found for each topic, the imports that count,
    and the topics missing."""
    path = writeup_path(context)
    found: list[Evidence] = []
    covered = []
    for topic, (_, kinds) in TOPICS.items():
        said = next(iter(describing(context, *kinds)), None)
        shown = evidence.text(f"{topic}: {passage(said.text)}", path) if said else None
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
