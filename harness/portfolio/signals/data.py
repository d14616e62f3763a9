"""Data pipeline ownership: did they build the pipeline that feeds the model, and guard it?

Two signals, read from the code's syntax trees and the repository's files: pipelines
(orchestration, processing engines, dbt and DVC, schedules, scripts that move data), and data
quality (validation libraries used, explicit checks on frames that fail loudly, dbt tests).
"""

from __future__ import annotations

import ast
import re
from collections.abc import Iterator

from harness.checks import evidence
from harness.checks.source import Source, call_name
from harness.models import Evidence
from harness.portfolio.facts import ci_files
from harness.portfolio.repo import Repo
from harness.portfolio.signals.depth import plural
from harness.portfolio.signals.registry import Judged, judged, signal, unscored, without_python
from harness.readers.python_source import imports_of

ORCHESTRATORS = {
    "airflow": "Airflow", "prefect": "Prefect", "dagster": "Dagster", "luigi": "Luigi",
    "kedro": "Kedro", "metaflow": "Metaflow", "zenml": "ZenML", "kfp": "Kubeflow Pipelines",
    "flytekit": "Flyte", "dlt": "dlt", "mage_ai": "Mage",
}  # fmt: skip
PIPELINE_NAMES = frozenset({
    "DAG", "dag", "flow", "task", "asset", "multi_asset", "op", "job", "Definitions", "Task",
    "pipeline", "Pipeline", "node", "step", "component", "FlowSpec", "workflow", "resource",
    "source",
})  # fmt: skip
"""An orchestrator's decorators, calls and base classes (read only where it is imported)."""
ENGINES = {"pyspark": "Spark", "apache_beam": "Beam", "dask": "Dask", "ray": "Ray",
           "duckdb": "DuckDB", "polars": "Polars"}  # fmt: skip
READS = frozenset({
    "read_csv", "read_parquet", "read_sql", "read_sql_query", "read_json", "read_excel",
    "read_feather", "read_table", "scan_parquet", "scan_csv",
})  # fmt: skip
WRITES = frozenset({"to_csv", "to_parquet", "to_sql", "to_json", "to_feather", "write_parquet",
                    "write_csv", "saveAsTable", "insertInto"})  # fmt: skip
DATA_LIBRARIES = frozenset({"pandas", "polars", "pyspark", "dask", "duckdb", "sqlalchemy",
                            "apache_beam", "pyarrow", "datasets"})  # fmt: skip
QUALITY = {
    "pandera": "pandera", "great_expectations": "Great Expectations", "soda": "Soda",
    "frictionless": "Frictionless", "pydeequ": "Deequ", "cerberus": "Cerberus",
    "deepchecks": "Deepchecks",
}  # fmt: skip
FRAME_CHECK = re.compile(
    r"\b(isna|isnull|notna|duplicated|dtypes?|columns|empty|nunique"
    r"|between|is_unique|shape)\b"
)
SCHEDULE = re.compile(r"^\s*-?\s*cron:\s*\S", re.MULTILINE)
DBT_TESTS = re.compile(r"^\s*(data_)?tests:\s*$", re.MULTILINE)
SHOWN = 4


@signal("portfolio.pipelines", area="data", title="Data pipelines", weight=1.0)
def pipelines(repo: Repo) -> Judged:
    """Looks for the pipelines that move and shape data, by what the code does: orchestration
    (Airflow DAGs, Prefect flows, Dagster assets, Luigi tasks, Kedro, Metaflow, ZenML,
    Kubeflow, Flyte, dlt: the library imported and its decorators, calls or base classes
    used), processing engines (Spark, Beam, Dask, Ray, DuckDB, Polars), dbt projects, DVC
    pipelines and data files, scheduled CI jobs (`cron:`), and scripts that read data and write
    it out again (`read_csv`/`read_parquet` ... `to_parquet`/`to_sql`).

    Why it matters: an AI engineer owns the data that reaches the model, not only the model:
    a scheduled, orchestrated, versioned pipeline is what runs every night without its
    author. Score: orchestration 0.6, dbt or DVC 0.2, a schedule 0.2; an engine without
    orchestration 0.5; scripts that move data 0.3; none 0.

    Evidence: where each is used, and the files."""
    if (absent := without_python(repo, notebooks_count=True)) is not None:
        return absent
    orchestration = list(_orchestration(repo.shipped))
    engines = _engines(repo.shipped)
    managed = _managed(repo)
    schedule = _schedules(repo)
    scripts = _etl_scripts(repo.shipped)
    shown: list[Evidence] = [_snippet(s, n, what) for s, n, what in orchestration[:2]]
    shown += [_snippet(s, n, f"{name} engine") for name, (s, n) in list(engines.items())[:2]]
    shown += [evidence.file(path, what) for path, what in managed[:3]]
    shown += [evidence.snippet(p, n, text) for p, n, text in schedule[:1]]
    if orchestration:
        names = sorted({what.split(":")[0] for _, _, what in orchestration})
        score = 0.6 + 0.2 * bool(managed) + 0.2 * bool(schedule)
        return judged(
            score,
            "orchestrated",
            f"pipelines orchestrated with {', '.join(names)}" + _extras(managed, schedule),
            *shown,
        )
    if engines or managed:
        what = ", ".join([*engines, *sorted({w for _, w in managed})])
        score = max(0.5 if engines else 0.0, 0.2 + 0.2 * bool(schedule) + 0.3 * bool(scripts))
        return judged(
            score, "engine", f"data processed with {what}" + _extras([], schedule), *shown
        )
    if scripts:
        shown += [_snippet(s, n, "reads and writes data") for s, n in scripts[:2]]
        return judged(
            0.3 + 0.2 * bool(schedule),
            "scripts",
            f"{plural(len(scripts), 'script')} "
            "read and write data, no orchestration" + _extras([], schedule),
            *shown,
        )
    return judged(
        0.0,
        "none",
        "no data pipeline: no orchestration, engine, dbt, DVC or script that moves data",
        evidence.text(
            f"no orchestrator, engine or data script in {plural(len(repo.shipped), 'module')}"
        ),
    )


def _extras(managed: list[tuple[str, str]], schedule: list[tuple[str, int, str]]) -> str:
    parts = sorted({what for _, what in managed}) + (["a schedule"] if schedule else [])
    return f", with {' and '.join(parts)}" if parts else ""


def _snippet(source: Source, number: int, what: str) -> Evidence:
    return evidence.snippet(source.path, number, source.line(number)).model_copy(
        update={"value": what}
    )


def _orchestration(sources: list[Source]) -> Iterator[tuple[Source, int, str]]:
    """(source, line, "Framework: name") for each use of an orchestrator's API."""
    for source in sources:
        used = {u.module for u in imports_of(source.tree)} & ORCHESTRATORS.keys()
        if not used:
            continue
        framework = ORCHESTRATORS[sorted(used)[0]]
        for node in ast.walk(source.tree):
            name = _pipeline_name(node)
            if name:
                yield source, getattr(node, "lineno", 1), f"{framework}: {name}"
                break


def _pipeline_name(node: ast.AST) -> str:
    if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
        for decorator in node.decorator_list:
            target = decorator.func if isinstance(decorator, ast.Call) else decorator
            name = target.attr if isinstance(target, ast.Attribute) else getattr(target, "id", "")
            if name in PIPELINE_NAMES:
                return f"@{name}"
    if isinstance(node, ast.ClassDef):
        bases = [
            b.attr if isinstance(b, ast.Attribute) else getattr(b, "id", "") for b in node.bases
        ]
        return next((f"class {node.name}({b})" for b in bases if b in PIPELINE_NAMES), "")
    if isinstance(node, ast.Call) and call_name(node) in PIPELINE_NAMES:
        return f"{call_name(node)}(...)"
    return ""


def _engines(sources: list[Source]) -> dict[str, tuple[Source, int]]:
    found: dict[str, tuple[Source, int]] = {}
    for source in sources:
        for use in imports_of(source.tree):
            if use.module in ENGINES:
                found.setdefault(ENGINES[use.module], (source, use.line))
    return found


def _managed(repo: Repo) -> list[tuple[str, str]]:
    """dbt projects and DVC pipelines or tracked data, by their files."""
    found: list[tuple[str, str]] = []
    for path in repo.paths:
        name = path.rsplit("/", 1)[-1]
        if name == "dbt_project.yml":
            found.append((path, "dbt"))
        elif name == "dvc.yaml" or (name.endswith(".dvc") and name != ".dvc"):
            found.append((path, "DVC"))
    return found


def _schedules(repo: Repo) -> list[tuple[str, int, str]]:
    found = []
    for path in ci_files(repo):
        for number, line in enumerate((repo.text(path) or "").splitlines(), 1):
            if SCHEDULE.match(line):
                found.append((path, number, line.strip()))
    return found


def _etl_scripts(sources: list[Source]) -> list[tuple[Source, int]]:
    """Modules that both read data and write it out: a step of a pipeline, by hand."""
    found = []
    for source in sources:
        calls = [n for n in ast.walk(source.tree) if isinstance(n, ast.Call)]
        reads = [n.lineno for n in calls if call_name(n) in READS]
        if reads and any(call_name(n) in WRITES for n in calls):
            found.append((source, reads[0]))
    return found


@signal("portfolio.data_quality", area="data", title="Data quality checks", weight=1.0)
def data_quality(repo: Repo) -> Judged:
    """Looks for checks that bad data fails loudly before it reaches the model, in the
    non-test code: a validation library used (pandera, Great Expectations, Soda,
    Frictionless, Deequ, Cerberus, Deepchecks), dbt tests, and explicit checks on frames (an
    `if` about missing values, duplicates, dtypes or columns that raises, or such an
    `assert`). Not scored when the code processes no data at all.

    Why it matters: data breaks more models than code does: a column renamed upstream, a
    unit changed, duplicates after a join. A pipeline that checks its inputs is owned by
    someone who has been bitten. Score: a validation library or dbt tests 1.0, explicit
    checks 0.7 (0.5 for one or two), none 0.

    Evidence: where the library is used, the dbt tests, the explicit checks."""
    if (absent := without_python(repo, notebooks_count=True)) is not None:
        return absent
    uses = _quality_uses(repo.shipped)
    dbt = [
        p
        for p in repo.paths
        if p.endswith((".yml", ".yaml"))
        and DBT_TESTS.search(repo.text(p) or "")
        and _in_dbt(repo, p)
    ]
    checks = [(s, n) for s in repo.shipped for n in _frame_checks(s.tree)]
    shown = [_snippet(s, n, f"uses {what}") for what, (s, n) in list(uses.items())[:2]]
    shown += [evidence.file(p, "dbt tests") for p in dbt[:2]]
    shown += [_snippet(s, n, "fails on bad data") for s, n in checks[:SHOWN]]
    if uses or dbt:
        what = ", ".join([*uses, *(["dbt tests"] if dbt else [])])
        return judged(1.0, "validated", f"data validated with {what}", *shown)
    if checks:
        score = 0.7 if len(checks) >= 3 else 0.5
        return judged(
            score,
            "checks",
            f"{plural(len(checks), 'explicit check')} on the data that "
            + ("fails" if len(checks) == 1 else "fail")
            + " loudly",
            *shown,
        )
    if not _handles_data(repo):
        return unscored("no_data", "the code processes no data (no pandas, Spark, SQL, ...)")
    return judged(
        0.0,
        "none",
        "no data quality checks: bad data would reach the model quietly",
        evidence.text(f"no validation library or check in {plural(len(repo.shipped), 'module')}"),
    )


def _quality_uses(sources: list[Source]) -> dict[str, tuple[Source, int]]:
    found: dict[str, tuple[Source, int]] = {}
    for source in sources:
        for use in imports_of(source.tree):
            if use.module in QUALITY:
                found.setdefault(QUALITY[use.module], (source, use.line))
    return found


def _in_dbt(repo: Repo, path: str) -> bool:
    return any(p.endswith("dbt_project.yml") for p in repo.paths) and "models" in path


def _frame_checks(tree: ast.AST) -> Iterator[int]:
    """Lines of an `if` about the data that raises, and of an `assert` about it."""
    for node in ast.walk(tree):
        if isinstance(node, ast.If) and any(isinstance(n, ast.Raise) for n in node.body):
            if FRAME_CHECK.search(ast.unparse(node.test)):
                yield node.lineno
        elif isinstance(node, ast.Assert) and FRAME_CHECK.search(ast.unparse(node.test)):
            yield node.lineno


def _handles_data(repo: Repo) -> bool:
    modules = {u.module for s in repo.shipped for u in imports_of(s.tree)}
    notebook_modules = {
        u.module for n in repo.context.inventory.notebooks for u in n.summary.imports
    }
    has_sql = any(p.endswith(".sql") for p in repo.paths)
    return bool((modules | notebook_modules) & DATA_LIBRARIES) or has_sql
