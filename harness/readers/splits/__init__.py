"""How a submission's code splits its rows for validation, read from the syntax trees.

The question for a trap of repeated entities (the same pump in many rows) is whether the
validation keeps every group on one side. It is answered by what the code does with the
group column, not by class names alone: folds built from the unique ids, `ngroup() % k`,
`np.isin(ids, train_ids)`, a helper of any name are recognised by following the values
derived from the group column to the masks and indices that separate the rows. A
scikit-learn splitter that honours groups counts too; one that ignores them (`KFold`,
`StratifiedKFold`, `train_test_split`, even with `groups=`) counts as mixing groups. Code
where nothing is recognised is `unclear`, never evidence either way. Nothing is executed.
"""

from __future__ import annotations

import ast
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from harness.readers.splits.rules import Rules, Site
from harness.readers.splits.sources import PARSE_ERRORS, Module, modules
from harness.readers.splits.taint import Flow, Kinds, import_aliases

SplitVerdict = Literal["group_aware", "not_group_aware", "unclear"]
GROUP_SPLITTERS = frozenset(
    {"GroupKFold", "StratifiedGroupKFold", "GroupShuffleSplit", "LeaveOneGroupOut",
     "LeavePGroupsOut"}
)  # fmt: skip
"""scikit-learn's splitters whose `.split` honours `groups=`."""
ANALYSIS_ERRORS = (*PARSE_ERRORS, KeyError, AttributeError)


@dataclass(frozen=True)
class SplitEvidence:
    """One split found: where, the line, the rule that matched and which side it counts for."""

    rule: str
    file: str
    line: int
    snippet: str
    group_aware: bool | None
    in_loop: bool


@dataclass(frozen=True)
class SplitReading:
    """The verdict on a submission's validation split, and what it rests on."""

    verdict: SplitVerdict
    evidence: tuple[SplitEvidence, ...]

    @property
    def deciding(self) -> tuple[SplitEvidence, ...]:
        """The evidence on the verdict's side (group-aware sites for `group_aware`)."""
        side = self.verdict == "group_aware"
        return tuple(e for e in self.evidence if e.group_aware is side)


def read_group_split(
    root: Path, columns: Iterable[str], splitters: Iterable[str] = GROUP_SPLITTERS
) -> SplitReading:
    """Whether the code under `root` validates with every group (rows sharing a value of one
    of `columns`) on one side: group-aware wins over any row split also present."""
    wanted = frozenset(columns)
    known = frozenset(splitters) or GROUP_SPLITTERS
    found = [e for m, f in _flows(root, wanted) for e in _evidence(m, f, known, "group")]
    if any(e.group_aware for e in found):
        return SplitReading("group_aware", tuple(found))
    if any(e.group_aware is False for e in found):
        return SplitReading("not_group_aware", tuple(found))
    return SplitReading("unclear", ())


def hand_written_splits(root: Path) -> list[SplitEvidence]:
    """Rows separated by hand into a train and a validation part (masks, indices, samples),
    whatever the columns: what the validation check counts beside scikit-learn's names."""
    return [e for m, f in _flows(root, frozenset()) for e in _evidence(m, f, frozenset(), "hand")]


def _flows(root: Path, columns: frozenset[str]) -> list[tuple[Module, Flow]]:
    """Each module's flow, twice: the second round knows what the functions of the other
    modules return (a fold helper in one file, its caller in another)."""
    found = list(modules(root))
    named = {name for module in found for name in _column_constants(module.tree, columns)}
    flows = _module_flows(found, columns, named, {})
    return _module_flows(found, columns, named, _returns(flows)) if len(found) > 1 else flows


def _module_flows(found: list[Module], columns: frozenset[str], named: set[str],
                  imported: dict[str, Kinds]) -> list[tuple[Module, Flow]]:  # fmt: skip
    flows = []
    for module in found:
        try:
            flow = Flow(module.tree, columns, import_aliases(module.tree), named, imported)
        except ANALYSIS_ERRORS:
            continue
        flows.append((module, flow))
    return flows


def _returns(flows: list[tuple[Module, Flow]]) -> dict[str, Kinds]:
    """What each function returns, by name, across the modules (a name defined twice: the
    union)."""
    returns: dict[str, Kinds] = {}
    for _, flow in flows:
        for name, kinds in flow.returns.items():
            returns[name] = returns.get(name, frozenset()) | frozenset(kinds)
    return returns


def _evidence(module: Module, flow: Flow, splitters: frozenset[str],
              which: Literal["group", "hand"]) -> list[SplitEvidence]:  # fmt: skip
    try:
        rules = Rules(module, flow, splitters)
        sites = rules.group_sites() if which == "group" else rules.hand_splits()
        return [_described(module, rules, site) for site in sites]
    except ANALYSIS_ERRORS:
        return []


def _described(module: Module, rules: Rules, site: Site) -> SplitEvidence:
    line = getattr(site.node, "lineno", 0)
    file, where = module.where(line)
    return SplitEvidence(site.rule, file, where, module.snippet(line), site.group_aware,
                         rules.in_loop(site.node))  # fmt: skip


def _column_constants(tree: ast.Module, columns: frozenset[str]) -> set[str]:
    """Module-level `GROUP = "pump_id"`: names other modules import to mean the column."""
    names: set[str] = set()
    for node in tree.body:
        value: ast.expr | None
        if isinstance(node, ast.Assign):
            value, targets = node.value, node.targets
        elif isinstance(node, ast.AnnAssign):
            value, targets = node.value, [node.target]
        else:
            continue
        if isinstance(value, ast.Constant) and value.value in columns:
            names |= {t.id for t in targets if isinstance(t, ast.Name)}
    return names
