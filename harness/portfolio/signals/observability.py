"""Monitoring and observability: would anyone know when it breaks, and why?

Three signals read from the syntax trees of the non-test code: logging, error handling, and
telemetry (metrics, tracing, error reporting, model monitoring, health routes). The take-home
check of what the write-up says about running it counts here too (`scoring.py`).
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from dataclasses import dataclass

from harness.checks import evidence
from harness.checks.source import Source, call_name
from harness.models import Evidence
from harness.portfolio.repo import Repo
from harness.portfolio.signals.depth import plural
from harness.portfolio.signals.registry import Judged, judged, signal, without_python
from harness.readers.python_source import imports_of

LOG_METHODS = frozenset(
    {"debug", "info", "warning", "warn", "error", "exception", "critical", "log", "msg", "bind"}
)
LOGGER_NAMES = frozenset({"logger", "log", "LOGGER", "LOG", "_logger", "_log", "logging"})
LOGGER_FACTORIES = frozenset({"getLogger", "get_logger", "getChild"})
STRUCTURED = frozenset({"structlog", "loguru", "pythonjsonlogger", "json_logging"})
TELEMETRY = frozenset(
    {
        "prometheus_client",
        "prometheus_fastapi_instrumentator",
        "opentelemetry",
        "sentry_sdk",
        "statsd",
        "datadog",
        "ddtrace",
        "newrelic",
        "elasticapm",
        "aioprometheus",
        "starlette_exporter",
    }
)
MODEL_MONITORING = frozenset(
    {"evidently", "whylogs", "nannyml", "alibi_detect", "deepchecks", "arize", "fiddler"}
)
TRACKING = frozenset({"mlflow", "wandb", "neptune", "comet_ml", "clearml"})
METRIC_TYPES = frozenset({"Counter", "Histogram", "Gauge", "Summary", "Info", "Enum"})
BROAD = frozenset({"Exception", "BaseException"})
SHOWN = 4


@signal("portfolio.logging", area="observability", title="Logging", weight=1.0)
def logging_use(repo: Repo) -> Judged:
    """Looks at how the non-test code reports what it does: loggers made
    (`logging.getLogger`, structlog, loguru), log calls on them, and `print` calls.

    Why it matters: when a service misbehaves at night, its logs are all anyone has;
    `print` goes nowhere a log system collects, without a level or a timestamp. Score:
    loggers and at least 5 log calls 1.0 (structured logging too), fewer log calls 0.6, only
    `print` 0.15, neither 0.

    Evidence: the counts as metrics, where a logger is made, a few log calls."""
    if (absent := without_python(repo)) is not None:
        return absent
    made, calls, prints, structured = _log_uses(repo.shipped)
    shown = [
        evidence.metric("log_calls", len(calls), "log calls in the non-test code"),
        evidence.metric("print_calls", len(prints), "print calls in the non-test code"),
        *(_line(s, n, "logger") for s, n in made[:2]),
        *(_line(s, n, "log call") for s, n in calls[:2]),
    ]
    if calls and (made or structured):
        score = 1.0 if len(calls) >= 5 else 0.6
        kind = "structured loggers" if structured else "loggers"
        said = f"{plural(len(calls), 'log call')} through {kind}, {plural(len(prints), 'print')}"
        return judged(score, "logging", said, *shown)
    if calls:
        return judged(
            0.6, "logging", f"{plural(len(calls), 'log call')}, no logger configured", *shown
        )
    if prints:
        shown.append(_line(prints[0][0], prints[0][1], "print"))
        return judged(0.15, "prints", f"no logging: {plural(len(prints), 'print')} instead", *shown)
    return judged(0.0, "none", "no logging and no output in the non-test code", *shown[:2])


Uses = list[tuple[Source, int]]


def _log_uses(sources: list[Source]) -> tuple[Uses, Uses, Uses, bool]:
    """Where loggers are made, log calls, print calls; and whether logging is structured."""
    made: Uses = []
    calls: Uses = []
    prints: Uses = []
    structured = False
    for source in sources:
        structured = structured or any(u.module in STRUCTURED for u in imports_of(source.tree))
        loggers = _logger_names(source.tree)
        for node in ast.walk(source.tree):
            if not isinstance(node, ast.Call):
                continue
            if call_name(node) in LOGGER_FACTORIES:
                made.append((source, node.lineno))
            elif _is_log_call(node, loggers):
                calls.append((source, node.lineno))
            elif isinstance(node.func, ast.Name) and node.func.id == "print":
                prints.append((source, node.lineno))
    return made, calls, prints, structured


def _logger_names(tree: ast.AST) -> set[str]:
    """Names bound to a logger: `log = logging.getLogger(...)`, `from loguru import logger`."""
    names = set(LOGGER_NAMES)
    for node in ast.walk(tree):
        value = node.value if isinstance(node, ast.Assign) else None
        if isinstance(value, ast.Call) and call_name(value) in LOGGER_FACTORIES:
            assert isinstance(node, ast.Assign)
            names.update(t.id for t in node.targets if isinstance(t, ast.Name))
    return names


def _is_log_call(node: ast.Call, loggers: set[str]) -> bool:
    func = node.func
    if not isinstance(func, ast.Attribute) or func.attr not in LOG_METHODS:
        return False
    target = func.value
    name = target.id if isinstance(target, ast.Name) else getattr(target, "attr", "")
    return name in loggers


def _line(source: Source, number: int, what: str) -> Evidence:
    return evidence.snippet(source.path, number, source.line(number)).model_copy(
        update={"value": what}
    )


@dataclass(frozen=True)
class Handlers:
    """The `except` clauses of the non-test code, and what they do."""

    total: int
    swallowed: tuple[tuple[Source, int], ...]
    """Bare or broad handlers that neither re-raise nor log: errors disappear there."""
    handled: int
    """Handlers that re-raise, raise another error or log."""
    raises: int
    custom: tuple[tuple[Source, int, str], ...]
    """Exception classes of the code's own."""


@signal("portfolio.errors", area="observability", title="Error handling", weight=1.0)
def errors(repo: Repo) -> Judged:
    """Looks at the error handling of the non-test code: `except` clauses, those that
    swallow errors (a bare `except:` or `except Exception:` that neither re-raises nor logs:
    `pass`, `continue`, a default returned), those that log or re-raise, `raise` statements,
    and exception classes of the code's own.

    Why it matters: a pipeline that swallows an exception writes wrong results quietly; one
    that fails loudly with a clear error can be fixed. Score: raising or handling errors at
    all 0.4, exception classes of its own 0.2, handlers that log or re-raise 0.2, and 0.2
    times the share of handlers that do not swallow, at most 0.7 while any swallows;
    neither raising nor handling 0.1.

    Evidence: the counts, the handlers that swallow errors, an exception class."""
    if (absent := without_python(repo)) is not None:
        return absent
    found = _handlers(repo.shipped)
    shown = [
        evidence.metric("except_clauses", found.total, "except clauses in the non-test code"),
        evidence.metric(
            "swallowed", len(found.swallowed), "broad except clauses that neither re-raise nor log"
        ),
        evidence.metric("raises", found.raises, "raise statements in the non-test code"),
        *(_line(s, n, "swallows errors") for s, n in found.swallowed[:SHOWN]),
        *(_line(s, n, f"exception class {name}") for s, n, name in found.custom[:1]),
    ]
    if not found.total and not found.raises:
        return judged(0.1, "none", "no error handling: nothing raises or catches an error", *shown)
    kept = 1 - len(found.swallowed) / found.total if found.total else 1.0
    score = 0.4 + 0.2 * bool(found.custom) + 0.2 * bool(found.handled) + 0.2 * kept
    score = min(score, 0.7) if found.swallowed else score
    state = "swallows" if found.swallowed else "careful" if score >= 0.75 else "some"
    said = (
        f"{plural(found.total, 'except clause')}, {found.raises:,} raises"
        + (f", {len(found.custom)} exception classes of its own" if found.custom else "")
        + (f"; {len(found.swallowed)} swallow errors silently" if found.swallowed else "")
    )
    return judged(score, state, said, *shown)


def _handlers(sources: list[Source]) -> Handlers:
    total = handled = raises = 0
    swallowed: list[tuple[Source, int]] = []
    custom: list[tuple[Source, int, str]] = []
    for source in sources:
        for node in ast.walk(source.tree):
            if isinstance(node, ast.ExceptHandler):
                total += 1
                reacts = _reacts(node)
                handled += reacts
                if not reacts and _broad(node):
                    swallowed.append((source, node.lineno))
            elif isinstance(node, ast.Raise):
                raises += 1
            elif isinstance(node, ast.ClassDef) and _is_exception_class(node):
                custom.append((source, node.lineno, node.name))
    return Handlers(total, tuple(swallowed), handled, raises, tuple(custom))


def _broad(handler: ast.ExceptHandler) -> bool:
    kind = handler.type
    names = kind.elts if isinstance(kind, ast.Tuple) else [kind] if kind else []
    return kind is None or any(isinstance(n, ast.Name) and n.id in BROAD for n in names)


def _reacts(handler: ast.ExceptHandler) -> bool:
    """The handler re-raises, raises another error, logs, or warns."""
    for node in _walk_body(handler.body):
        if isinstance(node, ast.Raise):
            return True
        if isinstance(node, ast.Call) and (
            call_name(node) in LOG_METHODS | {"warn", "print_exc", "capture_exception", "abort"}
        ):
            return True
    return False


def _walk_body(body: list[ast.stmt]) -> Iterator[ast.AST]:
    for statement in body:
        yield from ast.walk(statement)


def _is_exception_class(node: ast.ClassDef) -> bool:
    names = [b.id if isinstance(b, ast.Name) else getattr(b, "attr", "") for b in node.bases]
    return any(n.endswith(("Error", "Exception")) or n in BROAD for n in names)


@signal(
    "portfolio.telemetry", area="observability", title="Metrics, tracing and health", weight=1.0
)
def telemetry(repo: Repo) -> Judged:
    """Looks for telemetry in the non-test code: metrics, tracing and error reporting
    (prometheus_client and its metric types, OpenTelemetry, Sentry, StatsD, Datadog, New
    Relic, Elastic APM), model and data monitoring (Evidently, whylogs, NannyML, Alibi Detect,
    Deepchecks), experiment tracking (MLflow, Weights & Biases), and health routes of the
    serving code (`/health`, `/ready`, ...).

    Why it matters: monitoring is what turns a deployed model into an operated one:
    latency and error rates, drift of inputs and predictions, a health check the platform
    probes. Experiment tracking is not production monitoring, and counts for little. Score:
    metrics, tracing or error reporting 0.5, model or data monitoring 0.3, a health route
    0.2; experiment tracking alone 0.2.

    Evidence: the import of each library, the metrics defined, the health routes."""
    if (absent := without_python(repo)) is not None:
        return absent
    modules = _imports(repo)
    production = sorted(m for m in modules if m in TELEMETRY)
    monitoring = sorted(m for m in modules if m in MODEL_MONITORING)
    tracking = sorted(m for m in modules if m in TRACKING)
    health = repo.serving.health_routes
    shown = [
        _line(*modules[m], f"imports {m}") for m in [*production, *monitoring, *tracking][:SHOWN]
    ]
    shown += [_line(s, n, f"metric {name}") for s, n, name in _metrics(repo.shipped)[:2]]
    shown += [
        evidence.code(repo.context, r.path, r.line).model_copy(update={"value": f"health {r.url}"})
        for r in health[:2]
    ]
    score = 0.5 * bool(production) + 0.3 * bool(monitoring) + 0.2 * bool(health)
    parts = [
        f"metrics or tracing ({', '.join(production)})" if production else "",
        f"model monitoring ({', '.join(monitoring)})" if monitoring else "",
        f"a health route ({health[0].url})" if health else "",
    ]
    said = "; ".join(p for p in parts if p)
    if production or monitoring:
        return judged(score, "monitored", said, *shown)
    if health:
        return judged(score, "health", f"{said}, but no metrics or tracing", *shown)
    if tracking:
        return judged(
            0.2,
            "tracking",
            f"experiment tracking only ({', '.join(tracking)}); no "
            "production metrics or health route",
            *shown,
        )
    return judged(
        0.0,
        "none",
        "no metrics, tracing, monitoring or health route",
        evidence.text(
            f"no telemetry library or health route in {plural(len(repo.shipped), 'module')}"
        ),
    )


def _imports(repo: Repo) -> dict[str, tuple[Source, int]]:
    """The first import of each top-level module in the non-test code: (source, line)."""
    first: dict[str, tuple[Source, int]] = {}
    for source in repo.shipped:
        for use in imports_of(source.tree):
            first.setdefault(use.module, (source, use.line))
    return first


def _metrics(sources: list[Source]) -> list[tuple[Source, int, str]]:
    """Metrics defined with prometheus_client's types: `Counter("requests_total", ...)`."""
    found = []
    for source in sources:
        if not any(u.module in TELEMETRY for u in imports_of(source.tree)):
            continue
        for node in ast.walk(source.tree):
            if isinstance(node, ast.Call) and call_name(node) in METRIC_TYPES and node.args:
                first = node.args[0]
                if isinstance(first, ast.Constant) and isinstance(first.value, str):
                    found.append((source, node.lineno, first.value))
    return found
