"""Inventory: what an unpacked submission holds, read without running any of it.

Python modules and tests, notebooks and how they were left, the write-up, Dockerfiles,
requirements, CI files, the libraries that show serving, validation, logging and
monitoring, and the data and model files shipped inside. Checks read this; they never walk
the submission's files themselves.

Reading never raises: a file a reader cannot parse is listed in `unreadable` with why, and
every other file is still read.
"""

from __future__ import annotations

import os
from collections.abc import Iterator, Mapping
from pathlib import Path, PurePosixPath

from harness.models import Frozen
from harness.readers.notebook import NotebookSummary, read_notebook
from harness.readers.parsing import MAX_SOURCE_BYTES, Unreadable, read_source
from harness.readers.python_source import ImportUse, PythonSource, is_test_path, read_python
from harness.readers.requirements import RequirementsSummary, read_requirements
from harness.readers.writeup import (
    WriteupSummary,
    WriteupText,
    load_writeup,
    read_writeup,
    writeup_name,
)

MAX_READ_BYTES = MAX_SOURCE_BYTES
"""Larger source files are listed but not parsed."""
VENDORED_DIRS = frozenset(
    {".git", ".venv", "venv", "env", "node_modules", "__pycache__", ".ipynb_checkpoints",
     ".mypy_cache", ".pytest_cache", ".ruff_cache", ".tox", "site-packages"}
)  # fmt: skip
DATA_SUFFIXES = frozenset(
    {".csv", ".tsv", ".parquet", ".feather", ".xlsx", ".xls", ".jsonl", ".arrow", ".npy",
     ".npz", ".h5", ".hdf5", ".sqlite", ".db"}
)  # fmt: skip
MODEL_SUFFIXES = frozenset(
    {".pkl", ".pickle", ".joblib", ".onnx", ".pt", ".pth", ".safetensors", ".cbm", ".ubj",
     ".keras", ".model"}
)  # fmt: skip
CI_PATTERNS = (
    ".github/workflows/*.yml", ".github/workflows/*.yaml", ".gitlab-ci.yml",
    ".circleci/config.yml", "azure-pipelines.yml", "Jenkinsfile", ".pre-commit-config.yaml",
)  # fmt: skip
CAPABILITIES: Mapping[str, frozenset[str]] = {
    "serving": frozenset(
        {"fastapi", "flask", "starlette", "uvicorn", "gunicorn", "bentoml", "litserve",
         "aiohttp", "tornado", "django", "sanic", "falcon", "grpc", "mlserver", "kserve"}
    ),
    "validation": frozenset(
        {"pydantic", "pandera", "marshmallow", "jsonschema", "great_expectations", "cerberus",
         "voluptuous"}
    ),
    "logging": frozenset({"logging", "loguru", "structlog"}),
    "monitoring": frozenset(
        {"prometheus_client", "evidently", "whylogs", "opentelemetry", "sentry_sdk", "mlflow",
         "wandb", "nannyml", "alibi_detect", "statsd", "datadog"}
    ),
}  # fmt: skip


class FileEntry(Frozen):
    """A file of the submission and its size."""

    path: str
    size_bytes: int


class PythonModule(Frozen):
    """A `.py` file and what its syntax tree shows."""

    path: str
    is_test: bool
    source: PythonSource


class Notebook(Frozen):
    """A `.ipynb` file and how it was left."""

    path: str
    summary: NotebookSummary


class Requirements(Frozen):
    """A `requirements*.txt` file."""

    path: str
    summary: RequirementsSummary


class Writeup(Frozen):
    """The write-up the candidate addressed to the hiring team."""

    path: str
    summary: WriteupSummary
    read: WriteupText
    """The text the checks read (embedded images dropped, cut at the limit) and what was
    left out of it."""

    @property
    def text(self) -> str:
        return self.read.text


class UnreadableFile(Frozen):
    """A file (or part of one) the grader could not read, and why."""

    path: str
    reason: str


class CapabilityUse(Frozen):
    """A library that shows the submission serves, validates, logs or monitors."""

    category: str
    module: str
    path: str
    line: int


class Inventory(Frozen):
    """Everything the checks need to know about the submission's files."""

    files: int
    total_bytes: int
    python_lines: int
    modules: tuple[PythonModule, ...]
    packages: tuple[str, ...]
    """Folders with an `__init__.py`."""
    test_files: tuple[str, ...]
    test_functions: int
    notebooks: tuple[Notebook, ...]
    writeup: Writeup | None
    dockerfiles: tuple[str, ...]
    requirements: tuple[Requirements, ...]
    ci_files: tuple[str, ...]
    capabilities: tuple[CapabilityUse, ...]
    data_files: tuple[FileEntry, ...]
    model_files: tuple[FileEntry, ...]
    vendored: tuple[str, ...]
    """Folders left out of the inventory (virtual environments, caches, `.git`)."""
    unread: tuple[str, ...]
    """Files too large to read (over 2 MiB) or not text."""
    unreadable: tuple[UnreadableFile, ...] = ()
    """Every source file, notebook or cell a reader could not parse, with why."""


def take_inventory(root: Path) -> Inventory:
    """Read every file under `root` once and summarise the submission."""
    files, vendored = _walk(root)
    modules, notebooks, unread = _read_sources(root, files)
    unreadable = [*unread, *_unparsed(modules, notebooks)]
    return Inventory(
        files=len(files),
        total_bytes=sum(entry.size_bytes for entry in files),
        python_lines=sum(module.source.lines for module in modules),
        modules=modules,
        packages=_packages(files),
        test_files=tuple(m.path for m in modules if m.is_test),
        test_functions=sum(m.source.test_functions for m in modules),
        notebooks=notebooks,
        writeup=_writeup(root, files),
        dockerfiles=tuple(e.path for e in files if _name(e).lower().startswith("dockerfile")),
        requirements=_requirements(root, files),
        ci_files=tuple(e.path for e in files if any(_matches(e, p) for p in CI_PATTERNS)),
        capabilities=_capabilities(modules, notebooks),
        data_files=tuple(e for e in files if _suffix(e) in DATA_SUFFIXES),
        model_files=tuple(e for e in files if _suffix(e) in MODEL_SUFFIXES),
        vendored=vendored,
        unread=tuple(file.path for file in unread),
        unreadable=tuple(sorted(unreadable, key=lambda file: file.path)),
    )


def unreadable_text(files: tuple[UnreadableFile, ...], *, brief: bool = False) -> str:
    """`unreadable: a.py (why); b.ipynb (why)`, the line the report and the self-check give;
    `brief` names the files and gives the first reason only (a terminal's one line)."""
    if brief:
        paths = ", ".join(dict.fromkeys(file.path for file in files))
        return f"unreadable: {paths} ({files[0].path}: {files[0].reason})"
    return "unreadable: " + "; ".join(f"{file.path} ({file.reason})" for file in files)


def _walk(root: Path) -> tuple[list[FileEntry], tuple[str, ...]]:
    """Regular files under `root` (links never followed), vendored folders left out."""
    files: list[FileEntry] = []
    vendored: list[str] = []
    for directory, dirs, names in os.walk(root):
        here = Path(directory)
        for name in sorted(dirs):
            if name in VENDORED_DIRS or (here / name).is_symlink():
                vendored.append(_relative(root, here / name))
                dirs.remove(name)
        for name in names:
            path = here / name
            if path.is_file() and not path.is_symlink():
                files.append(FileEntry(path=_relative(root, path), size_bytes=path.stat().st_size))
    return sorted(files, key=lambda e: e.path), tuple(sorted(vendored))


def _read_sources(
    root: Path, files: list[FileEntry]
) -> tuple[tuple[PythonModule, ...], tuple[Notebook, ...], list[UnreadableFile]]:
    modules: list[PythonModule] = []
    notebooks: list[Notebook] = []
    unread: list[UnreadableFile] = []
    for entry, text in _texts(root, files, (".py", ".ipynb"), unread):
        if entry.path.endswith(".py"):
            is_test = is_test_path(entry.path)
            source = read_python(text, is_test_file=is_test)
            modules.append(PythonModule(path=entry.path, is_test=is_test, source=source))
        else:
            notebooks.append(Notebook(path=entry.path, summary=read_notebook(text)))
    return tuple(modules), tuple(notebooks), unread


def _texts(
    root: Path, files: list[FileEntry], suffixes: tuple[str, ...], unread: list[UnreadableFile]
) -> Iterator[tuple[FileEntry, str]]:
    """The text of each file with one of `suffixes`, noting those too big or not UTF-8."""
    for entry in files:
        if not entry.path.endswith(suffixes):
            continue
        text = read_source(root / entry.path, MAX_READ_BYTES)
        if isinstance(text, Unreadable):
            unread.append(UnreadableFile(path=entry.path, reason=text.reason))
        else:
            yield entry, text


def _unparsed(
    modules: tuple[PythonModule, ...], notebooks: tuple[Notebook, ...]
) -> list[UnreadableFile]:
    """Modules that do not parse, notebooks that do not read and their cells that do not."""
    found = [
        UnreadableFile(path=m.path, reason=m.source.syntax_error)
        for m in modules
        if m.source.syntax_error
    ]
    for notebook in notebooks:
        summary = notebook.summary
        reasons = [summary.read_error] if summary.read_error else []
        reasons += summary.unreadable_cells
        found += [UnreadableFile(path=notebook.path, reason=reason) for reason in reasons]
    return found


def _packages(files: list[FileEntry]) -> tuple[str, ...]:
    inits = (PurePosixPath(e.path).parent.as_posix() for e in files if _name(e) == "__init__.py")
    return tuple(sorted(path for path in inits if path != "."))


def _writeup(root: Path, files: list[FileEntry]) -> Writeup | None:
    """The write-up as `load_writeup` reads it (for the grader and `grade check` alike)."""
    name = writeup_name(e.path for e in files if "/" not in e.path)
    read = load_writeup(root / name) if name else None
    if name is None or read is None or isinstance(read, Unreadable):
        return None
    return Writeup(path=name, summary=read_writeup(read.text), read=read)


def _requirements(root: Path, files: list[FileEntry]) -> tuple[Requirements, ...]:
    found = []
    for entry in files:
        name = _name(entry).lower()
        if name.startswith("requirements") and name.endswith(".txt"):
            text = read_source(root / entry.path, MAX_READ_BYTES)
            if isinstance(text, str):
                found.append(Requirements(path=entry.path, summary=read_requirements(text)))
    return tuple(found)


def _capabilities(
    modules: tuple[PythonModule, ...], notebooks: tuple[Notebook, ...]
) -> tuple[CapabilityUse, ...]:
    """The first import of each capability library in each file."""
    sources: list[tuple[str, tuple[ImportUse, ...]]] = [
        (m.path, m.source.imports) for m in modules if not m.is_test
    ]
    sources += [(n.path, n.summary.imports) for n in notebooks]
    found: dict[tuple[str, str, str], CapabilityUse] = {}
    for path, imports in sources:
        for use in imports:
            for category, libraries in CAPABILITIES.items():
                key = (category, use.module, path)
                if use.module in libraries and key not in found:
                    found[key] = CapabilityUse(
                        category=category, module=use.module, path=path, line=use.line
                    )
    return tuple(sorted(found.values(), key=lambda c: (c.category, c.module, c.path)))


def _relative(root: Path, path: Path) -> str:
    return PurePosixPath(path.relative_to(root)).as_posix()


def _name(entry: FileEntry) -> str:
    return entry.path.rsplit("/", 1)[-1]


def _suffix(entry: FileEntry) -> str:
    return PurePosixPath(entry.path).suffix.lower()


def _matches(entry: FileEntry, pattern: str) -> bool:
    return PurePosixPath(entry.path).match(pattern) and entry.path.count("/") == pattern.count("/")
