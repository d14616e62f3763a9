"""Lines of each language in the checkout: what a repository is made of, read by file type.

Code, notebooks, markup and configuration are told apart, so "1,200 lines" means lines of
code, and the share of code living in notebooks is a number (a notebook counts the lines of
its code cells). Vendored folders are left out, as the inventory leaves them out.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from harness.checks.source import notebook_cells
from harness.inventory import VENDORED_DIRS
from harness.portfolio.model import Language
from harness.readers.parsing import MAX_SOURCE_BYTES, Unreadable, read_source

CODE = {
    ".py": "Python",
    ".pyi": "Python",
    ".js": "JavaScript",
    ".jsx": "JavaScript",
    ".mjs": "JavaScript",
    ".cjs": "JavaScript",
    ".ts": "TypeScript",
    ".tsx": "TypeScript",
    ".go": "Go",
    ".rs": "Rust",
    ".java": "Java",
    ".kt": "Kotlin",
    ".scala": "Scala",
    ".rb": "Ruby",
    ".php": "PHP",
    ".c": "C",
    ".h": "C",
    ".cc": "C++",
    ".cpp": "C++",
    ".hpp": "C++",
    ".cs": "C#",
    ".swift": "Swift",
    ".r": "R",
    ".jl": "Julia",
    ".sql": "SQL",
    ".sh": "Shell",
    ".bash": "Shell",
    ".zsh": "Shell",
    ".lua": "Lua",
    ".dart": "Dart",
    ".ex": "Elixir",
    ".exs": "Elixir",
    ".hs": "Haskell",
    ".clj": "Clojure",
    ".m": "MATLAB",
    ".cu": "CUDA",
    ".pyx": "Cython",
    ".tf": "HCL",
    ".vue": "Vue",
    ".svelte": "Svelte",
}
MARKUP = {
    ".md": "Markdown",
    ".rst": "reStructuredText",
    ".html": "HTML",
    ".css": "CSS",
    ".scss": "CSS",
    ".tex": "TeX",
}
CONFIG = {
    ".yml": "YAML",
    ".yaml": "YAML",
    ".toml": "TOML",
    ".json": "JSON",
    ".ini": "INI",
    ".cfg": "INI",
}
NAMED = {"dockerfile": "Dockerfile", "makefile": "Makefile", "jenkinsfile": "Groovy"}
CONFIG_NAMES = frozenset({"Dockerfile", "Makefile", "Groovy"})


@dataclass(frozen=True)
class Counted:
    """The checkout's languages, and the lines of code of each code file (for history)."""

    languages: tuple[Language, ...]
    code_lines: Mapping[str, int]

    def lines(self, kind: str) -> int:
        return sum(language.lines for language in self.languages if language.kind == kind)

    @property
    def notebook_share(self) -> float | None:
        """Share of the code (code files and notebooks' code cells) that is in notebooks."""
        code, notebooks = self.lines("code"), self.lines("notebook")
        return notebooks / (code + notebooks) if code + notebooks else None


def count_languages(root: Path, skip: Callable[[str], bool] = lambda _path: False) -> Counted:
    """Read every file of a known type once and count its lines (`skip`: paths to leave out,
    such as those the repository declares not its own)."""
    totals: dict[tuple[str, str], list[int]] = {}
    code_lines: dict[str, int] = {}
    for path in _files(root):
        relative = PurePosixPath(path.relative_to(root)).as_posix()
        kind, name = _language(path)
        if not kind or skip(relative):
            continue
        lines = _lines(path, kind)
        if lines is None:
            continue
        if kind == "code":
            code_lines[relative] = lines
        files_lines = totals.setdefault((kind, name), [0, 0])
        files_lines[0] += 1
        files_lines[1] += lines
    languages = [
        Language(name=name, files=files, lines=lines, kind=kind)
        for (kind, name), (files, lines) in totals.items()
    ]
    languages.sort(key=lambda language: (-language.lines, language.name))
    return Counted(tuple(languages), code_lines)


def _files(root: Path) -> list[Path]:
    found: list[Path] = []
    for directory, dirs, names in os.walk(root):
        dirs[:] = sorted(d for d in dirs if d not in VENDORED_DIRS)
        found += [Path(directory) / name for name in sorted(names)]
    return found


def _language(path: Path) -> tuple[str, str]:
    """(kind, language) of a file by its name, ("", "") when it is not one we count."""
    suffix = path.suffix.lower()
    named = NAMED.get(path.name.lower().split(".")[0])
    if suffix == ".ipynb":
        return "notebook", "Jupyter notebook"
    if named:
        return ("config" if named in CONFIG_NAMES else "code"), named
    for kind, table in (("code", CODE), ("markup", MARKUP), ("config", CONFIG)):
        if suffix in table:
            return kind, table[suffix]
    return "", ""


def _lines(path: Path, kind: str) -> int | None:
    """Non-blank lines (a notebook: of its code cells); None when not readable text."""
    text = read_source(path, MAX_SOURCE_BYTES)
    if isinstance(text, Unreadable):
        return None
    if kind == "notebook":
        return sum(_non_blank(cell) for cell in notebook_cells(text))
    return _non_blank(text)


def _non_blank(text: str) -> int:
    return sum(1 for line in text.splitlines() if line.strip())
