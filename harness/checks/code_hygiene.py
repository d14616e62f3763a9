"""Code quality, hygiene: pinned requirements, no secrets, no paths of one machine.

One check, read from the requirements files and the syntax trees of the code (notebooks'
code cells included), never by running it.
"""

from __future__ import annotations

import ast
import re
from collections.abc import Iterable, Iterator

from harness.checks import evidence
from harness.checks.code_quality import SHOWN, plural
from harness.checks.context import CheckContext
from harness.checks.registry import Judgement, check, graded
from harness.checks.source import CodeLine, notebook_cells, parse, sources
from harness.models import Evidence

# --- code.hygiene ---------------------------------------------------------------------------

SECRET_NAME = re.compile(
    r"(?:^|_)(?:api_?key|secret(?:_key)?|password|passwd|pwd|token|access_?key|private_?key"
    r"|auth_?token|client_?secret|credentials?)$",
    re.IGNORECASE,
)
SECRET_VALUE = re.compile(
    r"AKIA[0-9A-Z]{16}|sk-[A-Za-z0-9_\-]{20,}|ghp_[A-Za-z0-9]{30,}|xox[abprs]-[A-Za-z0-9-]{10,}"
    r"|hf_[A-Za-z0-9]{30,}|-----BEGIN [A-Z ]*PRIVATE KEY-----"
)
PLACEHOLDER = re.compile(r"your|change.?me|xxx|example|dummy|<|\$\{|\*\*\*|todo|test", re.I)
ABSOLUTE_PATH = re.compile(
    r"(?:^|[\s\"'=(])(?:/Users/|/home/|/root/|/Volumes/|/mnt/[a-z]/|/content/drive|~/"
    r"|[A-Za-z]:[\\/])"
)


@check("code.hygiene", dimension="code_quality", title="Requirements, secrets and paths")
def hygiene(context: CheckContext) -> Judgement:
    """Looks at three habits: requirements pinned to exact versions (`==`), secrets in code
    (string constants assigned to names like `api_key` or `password`, or shaped like known
    keys: AWS, OpenAI, GitHub, Slack, Hugging Face, private keys), and absolute paths of one
    machine (`/Users/...`, `/home/...`, `C:\\...`, a mounted Google Drive). Code is read
    through its syntax tree, notebooks' code cells included; comments and docstrings are not
    read. No requirements file is fine: the challenge runtime provides the usual libraries.

    Why it matters: unpinned requirements give a different program next month; a committed
    secret is a security incident; a hard-coded home folder runs on one laptop only.
    Score: pins 0.35 (the share pinned), no secrets 0.35, no absolute paths 0.3 (half of it
    off per path); any secret caps the score at 0.35.

    Evidence: the unpinned requirements, and each secret (redacted) or path with its line."""
    pinned, unpinned = _pins(context)
    secrets, paths = _marks(context)
    pin_share = pinned / (pinned + unpinned) if pinned + unpinned else 1.0
    score = 0.35 * pin_share + 0.35 * (not secrets) + 0.3 * max(0.0, 1 - len(paths) / 2)
    score = min(score, 0.35) if secrets else score
    message = "; ".join(
        [
            _pin_note(pinned, unpinned, bool(context.inventory.requirements)),
            f"{plural(len(secrets), 'secret')} in code" if secrets else "no secrets in code",
            f"{plural(len(paths), 'absolute path')}" if paths else "no absolute paths",
        ]
    )
    return graded(score, message, *_hygiene_evidence(context, secrets, paths))


def _pins(context: CheckContext) -> tuple[int, int]:
    summaries = [r.summary for r in context.inventory.requirements]
    return sum(len(s.pinned) for s in summaries), sum(len(s.unpinned) for s in summaries)


def _pin_note(pinned: int, unpinned: int, has_file: bool) -> str:
    if not has_file:
        return "no requirements file (the challenge runtime is used)"
    return f"{pinned} of {pinned + unpinned} requirements pinned"


def _marks(context: CheckContext) -> tuple[list[CodeLine], list[CodeLine]]:
    secrets: list[CodeLine] = []
    paths: list[CodeLine] = []
    for label, tree, lines in _code_units(context):
        for node, parent in _strings(tree):
            value = str(node.value)
            line = lines[node.lineno - 1].strip() if 0 < node.lineno <= len(lines) else value
            if _is_secret(node, parent):
                secrets.append(CodeLine(label, node.lineno, line.replace(value, _redact(value))))
            elif ABSOLUTE_PATH.search(value):
                paths.append(CodeLine(label, node.lineno, line))
    return secrets, paths


def _code_units(context: CheckContext) -> Iterator[tuple[str, ast.Module, list[str]]]:
    """Every parsed `.py` file, and every notebook's code cells (labelled `path [cell n]`)."""
    for source in [*sources(context), *sources(context, tests=True)]:
        yield source.path, source.tree, list(source.lines)
    for book in context.inventory.notebooks:
        for number, cell in enumerate(notebook_cells(context.text(book.path) or ""), 1):
            tree = parse(cell)
            if tree is not None:
                yield f"{book.path} [cell {number}]", tree, cell.splitlines()


def _strings(tree: ast.AST) -> Iterator[tuple[ast.Constant, ast.AST]]:
    """String constants and the node that holds each (docstrings left out)."""
    docstrings = {id(node) for node in _docstrings(tree)}
    for parent in ast.walk(tree):
        for node in ast.iter_child_nodes(parent):
            is_text = isinstance(node, ast.Constant) and isinstance(node.value, str)
            if is_text and id(node) not in docstrings:
                assert isinstance(node, ast.Constant)
                yield node, parent


def _docstrings(tree: ast.AST) -> Iterable[ast.AST]:
    for node in ast.walk(tree):
        if isinstance(node, ast.Module | ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef):
            body = node.body
            if body and isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Constant):
                yield body[0].value


def _is_secret(node: ast.Constant, parent: ast.AST) -> bool:
    value = str(node.value)
    if SECRET_VALUE.search(value):
        return True
    if len(value) < 8 or any(ch.isspace() for ch in value) or PLACEHOLDER.search(value):
        return False
    return any(SECRET_NAME.search(name) for name in _bound_to(node, parent).split())


def _bound_to(node: ast.Constant, parent: ast.AST) -> str:
    """The name a string constant is given to: an assignment, a keyword or a dict key."""
    if isinstance(parent, ast.Assign | ast.AnnAssign) and parent.value is node:
        targets = parent.targets if isinstance(parent, ast.Assign) else [parent.target]
        return " ".join(_target_name(t) for t in targets)
    if isinstance(parent, ast.keyword) and parent.value is node:
        return parent.arg or ""
    if isinstance(parent, ast.Dict) and node in parent.values:
        key = parent.keys[parent.values.index(node)]
        return key.value if isinstance(key, ast.Constant) and isinstance(key.value, str) else ""
    return ""


def _target_name(target: ast.expr) -> str:
    if isinstance(target, ast.Name):
        return target.id
    return target.attr if isinstance(target, ast.Attribute) else ""


def _redact(value: str) -> str:
    return value[:4] + "..." + f"[{len(value)} characters, redacted]"


def _hygiene_evidence(
    context: CheckContext, secrets: list[CodeLine], paths: list[CodeLine]
) -> list[Evidence]:
    found = [
        evidence.file(r.path, "unpinned: " + ", ".join(r.summary.unpinned[:10]))
        for r in context.inventory.requirements
        if r.summary.unpinned
    ]
    found += [evidence.snippet(m.path, m.line, "secret: " + m.text) for m in secrets[:SHOWN]]
    found += [evidence.snippet(m.path, m.line, m.text) for m in paths[:SHOWN]]
    if not found:
        files = len(context.inventory.modules) + len(context.inventory.notebooks)
        pins = [f"{r.path}: {len(r.summary.pinned)} pinned" for r in context.inventory.requirements]
        found.append(
            evidence.text(
                f"no secrets or absolute paths in {files} code files; "
                + ("; ".join(pins) or "no requirements file")
            )
        )
    return found
