"""The follow-up question bank, kept as data: `questions.toml` here, plus one per challenge.

The harness's bank (`harness/report/questions.toml`) holds the two questions asked in every
interview, a question per check id with variants by the finding's status, and generic trap
questions by verdict. A challenge's own `questions.toml` (beside its `challenge.toml`) holds
the trap questions for its trap, by verdict, and may override any check's variants.

A broken bank is the hiring team's error to fix, so it raises `HarnessError` naming the file
and the key, at load time rather than half-way through an interview guide.
"""

from __future__ import annotations

import string
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any, get_args

from harness.errors import HarnessError
from harness.models import FindingStatus, TrapVerdict
from harness.report.premises import KNOWN, implied

BANK_FILE = "questions.toml"
FIXED_IDS = ("production", "scale")
STATUS_KEYS = (*get_args(FindingStatus), "default")
VERDICTS: tuple[str, ...] = get_args(TrapVerdict)
PLACEHOLDERS = frozenset(
    {
        "where",
        "value",
        "metric",
        "holdout",
        "estimate",
        "method",
        "baseline",
        "careful",
        "naive",
        "trap",
    }
)
"""What `{name}` may stand for in a question; filled in from the result."""
ENTRY_KEYS = frozenset({"question", "why", "strong", "weak", "evidence", "requires", "unless"})
TEXT_KEYS = ("question", "why", "strong", "weak")


@dataclass(frozen=True)
class Entry:
    """One question of the bank, before it is filled in for a submission."""

    question: str
    why: str
    strong: str
    weak: str
    evidence: tuple[str, ...] = ()
    """Where its evidence comes from: check ids, or `trap` for the trap's own evidence."""
    requires: tuple[str, ...] = ()
    """Facts that must hold for it to be asked: those named in the bank, and those its
    placeholders take for granted (`harness/report/premises.py`)."""
    unless: tuple[str, ...] = ()
    """Facts that must not hold for it to be asked."""


@dataclass(frozen=True)
class Bank:
    """The whole bank: fixed questions, per-check variants, trap questions by verdict."""

    fixed: Mapping[str, Entry]
    checks: Mapping[str, Mapping[str, tuple[Entry, ...]]]
    """Per check id and status, the entries in the order they are tried: the first whose
    premises hold is asked."""
    trap: Mapping[str, tuple[Entry, ...]] = field(default_factory=dict)


def load_bank(challenge_folder: Path | None) -> Bank:
    """The harness's bank, with the challenge's trap questions and overrides on top."""
    base = resources.files("harness.report").joinpath(BANK_FILE)
    bank = parse_bank(_read_toml(base.read_text(encoding="utf-8"), "harness/report/" + BANK_FILE))
    if challenge_folder is None or not (challenge_folder / BANK_FILE).is_file():
        return bank
    path = challenge_folder / BANK_FILE
    extra = parse_bank(_read_toml(path.read_text(encoding="utf-8"), str(path)), base=False)
    return _merge(bank, extra)


def _read_toml(text: str, where: str) -> dict[str, Any]:
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as err:
        raise HarnessError(f"question bank {where} is not valid TOML: {err}") from err
    return {"__file__": where, **data}


def parse_bank(data: dict[str, Any], base: bool = True) -> Bank:
    """Validate a bank read from TOML; `base` banks must hold both fixed questions."""
    where = str(data.pop("__file__", BANK_FILE))
    _only_keys(data, {"fixed", "checks", "trap"}, where, "")
    fixed = _table(data, "fixed", where, "")
    if base:
        _require(fixed, FIXED_IDS, where, "fixed")
    return Bank(
        fixed={key: _entry(value, where, f"fixed.{key}") for key, value in fixed.items()},
        checks=_checks(_table(data, "checks", where, ""), where),
        trap=_trap(_table(data, "trap", where, ""), where),
    )


def _checks(table: dict[str, Any], where: str) -> dict[str, dict[str, tuple[Entry, ...]]]:
    checks: dict[str, dict[str, tuple[Entry, ...]]] = {}
    for check, variants in table.items():
        key = f'checks."{check}"'
        if not isinstance(variants, dict):
            raise HarnessError(f"question bank {where}: [{key}] must be a table of statuses")
        _only_keys(variants, set(STATUS_KEYS), where, key)
        checks[check] = {s: _entries(v, where, f"{key}.{s}") for s, v in variants.items()}
    return checks


def _entries(value: Any, where: str, key: str) -> tuple[Entry, ...]:
    """One entry (a table) or several tried in order (an array of tables)."""
    if isinstance(value, list) and value:
        return tuple(_entry(item, where, f"{key}[{i}]") for i, item in enumerate(value))
    return (_entry(value, where, key),)


def _trap(table: dict[str, Any], where: str) -> dict[str, tuple[Entry, ...]]:
    _only_keys(table, set(VERDICTS), where, "trap")
    trap: dict[str, tuple[Entry, ...]] = {}
    for verdict, entries in table.items():
        if not isinstance(entries, list) or not entries:
            raise HarnessError(f"question bank {where}: trap.{verdict} must be [[trap.{verdict}]]")
        key = f"trap.{verdict}"
        trap[verdict] = tuple(_entry(e, where, f"{key}[{i}]") for i, e in enumerate(entries))
    return trap


def _entry(value: Any, where: str, key: str) -> Entry:
    if not isinstance(value, dict):
        raise HarnessError(f"question bank {where}: {key} must be a table")
    _only_keys(value, set(ENTRY_KEYS), where, key)
    _require(value, TEXT_KEYS, where, key)
    for name in TEXT_KEYS:
        _text(value[name], where, f"{key}.{name}")
    sources = value.get("evidence", [])
    if not isinstance(sources, list) or not all(isinstance(s, str) for s in sources):
        raise HarnessError(f"question bank {where}: {key}.evidence must be a list of check ids")
    question, why, strong, weak = (" ".join(value[name].split()) for name in TEXT_KEYS)
    requires = _facts(value, "requires", where, key)
    return Entry(
        question, why, strong, weak,
        evidence=tuple(sources),
        requires=tuple(dict.fromkeys((*requires, *implied((question, why, strong, weak))))),
        unless=_facts(value, "unless", where, key),
    )  # fmt: skip


def _facts(value: Mapping[str, Any], name: str, where: str, key: str) -> tuple[str, ...]:
    facts = value.get(name, [])
    if not isinstance(facts, list) or not all(isinstance(f, str) for f in facts):
        raise HarnessError(f"question bank {where}: {key}.{name} must be a list of fact names")
    unknown = sorted(set(facts) - KNOWN)
    if unknown:
        raise HarnessError(
            f"question bank {where}: {key}.{name} names the unknown fact {unknown[0]!r}",
            hint=f"known: {', '.join(sorted(KNOWN))}",
        )
    return tuple(facts)


def _text(value: Any, where: str, key: str) -> None:
    if not isinstance(value, str) or not value.strip():
        raise HarnessError(f"question bank {where}: {key} must be a non-empty string")
    try:
        names = {name for _, name, _, _ in string.Formatter().parse(value) if name is not None}
    except ValueError as err:
        raise HarnessError(f"question bank {where}: {key} has a broken {{...}}: {err}") from err
    unknown = sorted(names - PLACEHOLDERS)
    if unknown:
        known = ", ".join(sorted(PLACEHOLDERS))
        raise HarnessError(
            f"question bank {where}: {key} uses {{{unknown[0]}}}", hint=f"known: {known}"
        )


def _table(data: Mapping[str, Any], name: str, where: str, parent: str) -> dict[str, Any]:
    value = data.get(name, {})
    if not isinstance(value, dict):
        raise HarnessError(f"question bank {where}: {parent or ''}{name} must be a table")
    return dict(value)


def _only_keys(data: Mapping[str, Any], allowed: set[str], where: str, key: str) -> None:
    unknown = sorted(set(data) - allowed)
    if unknown:
        inside = f" in [{key}]" if key else ""
        raise HarnessError(f"question bank {where}: unknown key {unknown[0]!r}{inside}")


def _require(data: Mapping[str, Any], keys: tuple[str, ...], where: str, key: str) -> None:
    for name in keys:
        if name not in data:
            raise HarnessError(f"question bank {where}: {key} has no {name!r}")


def _merge(bank: Bank, extra: Bank) -> Bank:
    checks = {check: dict(variants) for check, variants in bank.checks.items()}
    for check, variants in extra.checks.items():
        checks.setdefault(check, {}).update(variants)
    return Bank(
        fixed={**bank.fixed, **extra.fixed},
        checks=checks,
        trap={**bank.trap, **extra.trap},
    )
