"""Whether code masks personal data before it calls a model API, read from its syntax trees.

Recognised by what the code does, never by names: a regular expression written in the code is
compiled and tried on sample personal data (an email address, a card number, a phone number,
each in the usual spellings) and on ordinary text; one that matches a sample nearly whole, and
not ordinary words, is a PII pattern. It counts as masking when the code substitutes with it
(`re.sub`, a compiled pattern's `.sub`, in the same file); a PII library imported
(Presidio, scrubadub) counts too. The code calls a model API when it imports an HTTP or
LLM client, or names the chat-completions path.

"Before the call" is not followed through the code (a masked copy could go unused): the
request log decides whether it worked; the code is the lower-weight evidence of intent.
"""

from __future__ import annotations

import ast
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from harness.readers.code_marks import Mark, _code_texts
from harness.readers.parsing import Unreadable, parse_python

SAMPLES: dict[str, tuple[str, ...]] = {
    "email": ("jane.doe@example.com", "o.kaur19@mail.co.uk"),
    "card number": ("4111 1111 1111 1111", "4111-1111-1111-1111", "4111111111111111"),
    "phone number": ("+44 7700 900164", "(204) 555-0100", "07700 900437", "555-0123-4567"),
}
ORDINARY = "the login page keeps rejecting me since the update"
MIN_WORD = 3
COVER = 0.6
"""A pattern matches a sample when one match covers this share of it."""
MAX_PATTERN = 1000
PATTERN_CALLS = frozenset({"compile", "sub", "subn", "search", "match", "findall", "finditer"})
SUBSTITUTIONS = frozenset({"sub", "subn"})
PII_LIBRARIES = frozenset({"presidio_analyzer", "presidio_anonymizer", "scrubadub"})
API_CLIENTS = frozenset({"openai", "anthropic", "litellm", "httpx", "requests", "aiohttp",
                         "urllib.request", "http.client", "urllib3"})  # fmt: skip
API_PATH = "chat/completions"
Verdict = Literal["redacts", "no_redaction", "no_api_call"]


@dataclass(frozen=True)
class RedactionReading:
    """What the code shows: masking (with where), none in code that calls an API, or no call."""

    verdict: Verdict
    marks: tuple[Mark, ...] = ()
    """The masking found, or (no masking) where the code calls an API."""


@dataclass(frozen=True)
class _FileReading:
    masks: list[Mark]
    calls: list[Mark]


def read_redaction(root: Path) -> RedactionReading:
    """Masking of personal data in the submission's code and notebooks, and API calls."""
    masks: list[Mark] = []
    calls: list[Mark] = []
    for relative, source in _code_texts(root):
        tree = parse_python(source)
        if isinstance(tree, Unreadable):
            continue
        found = _read_file(tree, relative, source.splitlines())
        masks += found.masks
        calls += found.calls
    if masks:
        return RedactionReading("redacts", tuple(masks))
    return RedactionReading("no_redaction" if calls else "no_api_call", tuple(calls))


def _read_file(tree: ast.Module, relative: str, lines: list[str]) -> _FileReading:
    def mark(text: str, node: ast.AST) -> Mark:
        line = getattr(node, "lineno", 0)
        snippet = lines[line - 1].strip() if 0 < line <= len(lines) else ""
        return Mark(text, relative, line, snippet[:200])

    substitutes = any(_call_name(n) in SUBSTITUTIONS for n in ast.walk(tree))
    patterns = list(_patterns(tree)) if substitutes else []
    masks = [mark(f"a pattern of {', '.join(kinds)} substituted", node) for node, kinds in patterns]
    masks += [mark(f"{name} (a PII library)", node) for node, name in _imports(tree)
              if name.split(".")[0] in PII_LIBRARIES]  # fmt: skip
    calls = [mark(f"{name} (calls an API)", node) for node, name in _imports(tree)
             if name in API_CLIENTS or name.split(".")[0] in API_CLIENTS]  # fmt: skip
    calls += [mark("the chat-completions path", node) for node in ast.walk(tree)
              if isinstance(node, ast.Constant) and isinstance(node.value, str)
              and API_PATH in node.value]  # fmt: skip
    return _FileReading(masks, calls)


def _call_name(node: ast.AST) -> str | None:
    if not isinstance(node, ast.Call):
        return None
    func = node.func
    return func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", None)


def _patterns(tree: ast.Module) -> Iterator[tuple[ast.AST, list[str]]]:
    """Each string given as a pattern to a regex call, with the kinds of PII it matches."""
    for node in ast.walk(tree):
        if _call_name(node) not in PATTERN_CALLS:
            continue
        assert isinstance(node, ast.Call)
        given = [*node.args[:1], *(k.value for k in node.keywords if k.arg == "pattern")]
        for argument in given:
            if isinstance(argument, ast.Constant) and isinstance(argument.value, str):
                kinds = pii_kinds(argument.value)
                if kinds:
                    yield node, kinds


def pii_kinds(pattern: str) -> list[str]:
    """The kinds of personal data a regular expression matches nearly whole (none for one
    that matches ordinary words too, or that is not a valid expression)."""
    if len(pattern) > MAX_PATTERN:
        return []
    try:
        compiled = re.compile(pattern, re.IGNORECASE)
    except (re.error, RecursionError, OverflowError):
        return []
    if any(len(m.group()) >= MIN_WORD for m in compiled.finditer(ORDINARY)):
        return []  # it would mask ordinary words too: not a pattern of personal data
    return [kind for kind, samples in SAMPLES.items() if any(_covers(compiled, s) for s in samples)]


def _covers(compiled: re.Pattern[str], sample: str) -> bool:
    return any(len(m.group()) >= COVER * len(sample) for m in compiled.finditer(sample))


def _imports(tree: ast.Module) -> Iterator[tuple[ast.AST, str]]:
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            yield from ((node, alias.name) for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            yield node, node.module
            yield from ((node, f"{node.module}.{alias.name}") for alias in node.names)
