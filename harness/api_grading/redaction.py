"""Whether code masks personal data before it calls a model API, read from its syntax trees.

Recognised by what the code does, never by names: a regular expression written in the code is
compiled and tried on sample personal data (an email address, a card number, a phone number,
each in the usual spellings) and on ordinary text; one that matches a sample nearly whole, and
not ordinary words, is a PII pattern. It counts as masking when the code substitutes with it
(`re.sub`, a compiled pattern's `.sub`, in the same file), or keeps it under a name (a list
of patterns, say) that a function which substitutes reads; a PII library imported
(Presidio, scrubadub) counts too. Code that only looks for such a pattern (`search`,
`match`, `fullmatch`: a yes or no) in code that calls a model API is read as detecting
personal data (a ticket that carries it can be kept from the API): intent as well. The code
calls a model API when it imports an HTTP or LLM client, or names the chat-completions path.

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
from harness.readers.python_source import is_test_code

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
SUBSTITUTIONS = frozenset({"sub", "subn"})
SEARCHES = frozenset({"search", "match", "fullmatch"})
"""A yes-or-no look for a pattern (a gate); `findall` and `finditer` extract or count."""
PATTERN_CALLS = frozenset({"compile", "findall", "finditer", *SUBSTITUTIONS, *SEARCHES})
PII_LIBRARIES = frozenset({"presidio_analyzer", "presidio_anonymizer", "scrubadub"})
API_CLIENTS = frozenset({"openai", "anthropic", "litellm", "httpx", "requests", "aiohttp",
                         "urllib.request", "http.client", "urllib3"})  # fmt: skip
API_PATH = "chat/completions"
Verdict = Literal["redacts", "detects", "no_redaction", "no_api_call"]
Use = Literal["substituted", "looked for"]


@dataclass(frozen=True)
class RedactionReading:
    """What the code shows: masking (with where), none in code that calls an API, or no call."""

    verdict: Verdict
    marks: tuple[Mark, ...] = ()
    """The masking found (`redacts`), the looking for personal data (`detects`: tickets that
    carry it can be kept from the API), or where the code calls an API."""


@dataclass(frozen=True)
class _FileReading:
    masks: list[Mark]
    detections: list[Mark]
    calls: list[Mark]


def read_redaction(root: Path) -> RedactionReading:
    """Masking of personal data in the submission's code and notebooks, and API calls."""
    masks: list[Mark] = []
    detections: list[Mark] = []
    calls: list[Mark] = []
    for relative, source in _code_texts(root):
        tree = parse_python(source)
        if isinstance(tree, Unreadable):
            continue
        found = _read_file(tree, relative, source.splitlines())
        masks += found.masks
        detections += found.detections
        calls += [] if is_test_code(relative) else found.calls  # a test's client calls nothing
    if masks:
        return RedactionReading("redacts", tuple(masks))
    if detections and calls:
        return RedactionReading("detects", tuple(detections))
    return RedactionReading("no_redaction" if calls else "no_api_call", tuple(calls))


def _read_file(tree: ast.Module, relative: str, lines: list[str]) -> _FileReading:
    def mark(text: str, node: ast.AST) -> Mark:
        line = getattr(node, "lineno", 0)
        snippet = lines[line - 1].strip() if 0 < line <= len(lines) else ""
        return Mark(text, relative, line, snippet[:200])

    uses = _pattern_uses(tree)
    masks = [mark(f"a pattern of {', '.join(kinds)} substituted", node)
             for node, kinds, use in uses if use == "substituted"]  # fmt: skip
    masks += [mark(f"{name} (a PII library)", node) for node, name in _imports(tree)
              if name.split(".")[0] in PII_LIBRARIES]  # fmt: skip
    detections = [mark(f"a pattern of {', '.join(kinds)} looked for", node)
                  for node, kinds, use in uses if use == "looked for"]  # fmt: skip
    calls = [mark(f"{name} (calls an API)", node) for node, name in _imports(tree)
             if name in API_CLIENTS or name.split(".")[0] in API_CLIENTS]  # fmt: skip
    calls += [mark("the chat-completions path", node) for node in ast.walk(tree)
              if isinstance(node, ast.Constant) and isinstance(node.value, str)
              and API_PATH in node.value]  # fmt: skip
    return _FileReading(masks, detections, calls)


def _call_name(node: ast.AST) -> str | None:
    if not isinstance(node, ast.Call):
        return None
    func = node.func
    return func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", None)


def _pattern_uses(tree: ast.Module) -> list[tuple[ast.AST, list[str], Use]]:
    """Each PII pattern in the file, once, with what the code does with it: given to a
    substitution, or to a search (a compiled one counts as substituted when the file
    substitutes, else as looked for when it searches); kept under a name that a function
    reads, by what that function does."""
    file_does = _does(tree)
    found: dict[int, tuple[ast.AST, list[str], Use]] = {}
    for node in ast.walk(tree):
        name = _call_name(node)
        if name not in PATTERN_CALLS:
            continue
        assert isinstance(node, ast.Call)
        use = _use_of(name, file_does)
        for argument in [*node.args[:1], *(k.value for k in node.keywords if k.arg == "pattern")]:
            kinds = _constant_kinds(argument)
            if kinds and use:
                found.setdefault(id(argument), (node, kinds, use))
    for constant, use in _named_constants(tree):
        kinds = _constant_kinds(constant)
        if kinds:
            found.setdefault(id(constant), (constant, kinds, use))
    return list(found.values())


def _does(tree: ast.AST) -> frozenset[str]:
    """Which regex calls a file or a function makes."""
    return frozenset(n for node in ast.walk(tree) if (n := _call_name(node)) in PATTERN_CALLS)


def _use_of(call: str | None, does: frozenset[str]) -> Use | None:
    if call in SUBSTITUTIONS or (call == "compile" and does & SUBSTITUTIONS):
        return "substituted"
    if call in SEARCHES or (call == "compile" and does & SEARCHES):
        return "looked for"
    return None


def _named_constants(tree: ast.Module) -> Iterator[tuple[ast.Constant, Use]]:
    """The string constants assigned to a name (`PATTERNS = [(r"...", "<email>"), ...]`)
    that a function reads, with what that function does with patterns."""
    readers: dict[str, Use] = {}
    for function in ast.walk(tree):
        if not isinstance(function, ast.FunctionDef | ast.AsyncFunctionDef):
            continue
        use = _use_of("compile", _does(function))  # what it does with what it reads
        for node in ast.walk(function):
            if use and isinstance(node, ast.Name) and isinstance(node.ctx, ast.Load):
                readers[node.id] = "substituted" if "substituted" in (use, readers.get(node.id)) \
                    else use  # fmt: skip
    for assign in ast.walk(tree):
        if not isinstance(assign, ast.Assign | ast.AnnAssign) or assign.value is None:
            continue
        targets = assign.targets if isinstance(assign, ast.Assign) else [assign.target]
        uses = [readers[t.id] for t in targets if isinstance(t, ast.Name) and t.id in readers]
        if uses:
            for node in ast.walk(assign.value):
                if isinstance(node, ast.Constant) and isinstance(node.value, str):
                    yield node, "substituted" if "substituted" in uses else uses[0]


def _constant_kinds(node: ast.AST) -> list[str]:
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return pii_kinds(node.value)
    return []


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
