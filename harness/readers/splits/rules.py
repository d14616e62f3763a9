"""The rules that find splits in one module, each naming what it saw.

Group-aware: a splitter class that honours groups (the challenge names them), predefined
folds made from group values, or rows separated by a mask computed from the group column.
Not group-aware: a splitter or cross-validation over rows with no group logic (a `groups=`
given to a class that ignores it changes nothing). Hand-written splits of any kind (for the
validation check): rows selected into a train and a validation name.
"""

from __future__ import annotations

import ast
import re
from collections.abc import Iterator
from dataclasses import dataclass

from harness.readers.splits.sources import Module
from harness.readers.splits.taint import INDEX_OF, Flow

ROW_SPLITTERS = frozenset(
    {"train_test_split", "KFold", "StratifiedKFold", "ShuffleSplit", "StratifiedShuffleSplit",
     "RepeatedKFold", "RepeatedStratifiedKFold", "TimeSeriesSplit", "LeaveOneOut", "LeavePOut"}
)  # fmt: skip
CV_FUNCTIONS = frozenset(
    {"cross_val_score", "cross_validate", "cross_val_predict", "GridSearchCV",
     "RandomizedSearchCV", "HalvingGridSearchCV", "HalvingRandomSearchCV", "learning_curve",
     "validation_curve", "permutation_test_score"}
)  # fmt: skip
ROW_METHODS = frozenset({"sample", "drop", "query", "take"})
TRAIN_WORDS = frozenset({"train", "tr", "trn", "fit", "learn"})
HELD_WORDS = frozenset(
    {"val", "valid", "validation", "va", "vl", "test", "te", "tst", "holdout", "hold", "dev",
     "eval", "oof", "calib"}
)  # fmt: skip
SPLIT_WORDS = TRAIN_WORDS | HELD_WORDS | {"fold", "folds", "split"}
LOOPS = (ast.For, ast.AsyncFor, ast.While, ast.comprehension)


@dataclass(frozen=True)
class Site:
    """One place a rule matched: the node, the rule's words, and which side it counts for."""

    node: ast.AST
    rule: str
    group_aware: bool | None
    """True: a group-aware split; False: a split that mixes groups; None: a split of rows
    with nothing known about groups (the validation check's hand-written splits)."""


class Rules:
    """Every rule over one module, its taint computed once."""

    def __init__(self, module: Module, flow: Flow, splitters: frozenset[str]):
        self.module, self.flow, self.splitters = module, flow, splitters
        self.parents = {
            id(child): node
            for node in ast.walk(module.tree)
            for child in ast.iter_child_nodes(node)
        }

    def group_sites(self) -> list[Site]:
        """Sites that tell group-aware from not: splitters, CV, masks by group."""
        sites = [site for node in ast.walk(self.module.tree) for site in self._classify(node)]
        masks = [s for s in sites if s.rule.startswith("rows")]
        if len(masks) < 2 and not any(self._named_split(s.node) for s in masks):
            sites = [s for s in sites if s not in masks]
        return sites

    def in_loop(self, node: ast.AST) -> bool:
        """Inside a loop or comprehension: folds rather than one held-out part."""
        return any(isinstance(parent, LOOPS) for parent in self._ancestors(node))

    def _classify(self, node: ast.AST) -> Iterator[Site]:
        if isinstance(node, ast.Subscript) and isinstance(node.ctx, ast.Load):
            selects_rows = "group" not in self.flow.kinds(node.value)  # not a subset of ids
            if selects_rows and "mask" in self.flow.kinds(node.slice):
                yield Site(node, "rows selected by a mask of the group column", True)
        elif isinstance(node, ast.ListComp | ast.GeneratorExp | ast.SetComp):
            if "mask" in self.flow.kinds(node):
                yield Site(node, "rows picked by their group", True)
        elif isinstance(node, ast.Call):
            yield from self._call_sites(node)

    def _call_sites(self, call: ast.Call) -> Iterator[Site]:
        name = self.flow.callee(call) or ""
        positional = [self.flow.kinds(arg) for arg in call.args]
        if name in self.splitters:
            yield Site(call, f"{name}, a splitter that keeps each group on one side", True)
        elif name == "PredefinedSplit" and any("group" in k for k in self._all_kinds(call)):
            yield Site(call, "PredefinedSplit with folds made from group values", True)
        elif name in INDEX_OF and len(call.args) == 1 and "mask" in positional[0]:
            yield Site(call, "rows indexed by a mask of the group column", True)
        elif name in ROW_SPLITTERS and not any("group" in k for k in positional):
            yield Site(call, f"{name} over rows, which mixes a group's rows across sides", False)
        elif name in CV_FUNCTIONS and _default_folds(call):
            yield Site(call, f"{name} with its default folds over rows", False)
        elif name == "sample" and _part_of_rows(call) and not self._group_receiver(call):
            yield Site(call, "a random sample of rows", False)

    def _all_kinds(self, call: ast.Call) -> list[frozenset[str]]:
        values = [*call.args, *(k.value for k in call.keywords)]
        return [frozenset(self.flow.kinds(v)) for v in values]

    def _group_receiver(self, call: ast.Call) -> bool:
        func = call.func
        return isinstance(func, ast.Attribute) and "group" in self.flow.kinds(func.value)

    def _named_split(self, node: ast.AST) -> bool:
        statement = self._statement(node)
        targets = _targets(statement) if statement is not None else []
        return any(_words(name) & SPLIT_WORDS for name in targets)

    def _statement(self, node: ast.AST) -> ast.stmt | None:
        return next((p for p in self._ancestors(node) if isinstance(p, ast.stmt)), None)

    def _ancestors(self, node: ast.AST) -> Iterator[ast.AST]:
        seen = 0
        while id(node) in self.parents and seen < 10_000:
            node = self.parents[id(node)]
            seen += 1
            yield node

    def hand_splits(self) -> list[Site]:
        """Rows selected into a train name and into a validation name, in this module."""
        chosen: dict[str, list[ast.AST]] = {"train": [], "held": []}
        for target, value in _assignments(self.module.tree):
            if not _selects_rows(value):
                continue
            words = _words(target)
            if words & TRAIN_WORDS:
                chosen["train"].append(value)
            elif words & HELD_WORDS:
                chosen["held"].append(value)
        if not chosen["train"] or not chosen["held"]:
            return self._complement_splits()
        rule = "rows selected into train and validation"
        return [Site(chosen["train"][0], rule, None), Site(chosen["held"][0], rule, None)]

    def _complement_splits(self) -> list[Site]:
        """Rows selected by a mask and by its complement (`X[seen]` and `X[~seen]`): the
        two sides of a split, whatever the names."""
        plain: dict[str, ast.AST] = {}
        negated: dict[str, ast.AST] = {}
        for node in ast.walk(self.module.tree):
            if not isinstance(node, ast.Subscript) or not isinstance(node.ctx, ast.Load):
                continue
            index = node.slice
            if isinstance(index, ast.Name):
                plain.setdefault(index.id, node)
            elif _negated_name(index):
                assert isinstance(index, ast.UnaryOp) and isinstance(index.operand, ast.Name)
                negated.setdefault(index.operand.id, node)
        both = sorted(set(plain) & set(negated))
        if not both:
            return []
        rule = "rows selected by a mask and by its complement"
        return [Site(plain[both[0]], rule, None), Site(negated[both[0]], rule, None)]


def _negated_name(node: ast.expr) -> bool:
    """`~name` or `not name`."""
    return (isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.Invert | ast.Not)
            and isinstance(node.operand, ast.Name))  # fmt: skip


def _default_folds(call: ast.Call) -> bool:
    cv = next((k.value for k in call.keywords if k.arg == "cv"), None)
    if cv is None:
        return len(call.args) < 5  # cross_val_score(m, X, y, groups, scoring, cv): no cv given
    return isinstance(cv, ast.Constant) and isinstance(cv.value, int)


def _part_of_rows(call: ast.Call) -> bool:
    for keyword in call.keywords:
        value = keyword.value
        if keyword.arg == "frac" and isinstance(value, ast.Constant):
            return isinstance(value.value, int | float) and 0 < value.value < 1
        if keyword.arg == "n":
            return True
    return False


def _selects_rows(node: ast.expr) -> bool:
    if isinstance(node, ast.Subscript):
        if isinstance(node.value, ast.Attribute) and node.value.attr in ("iloc", "loc"):
            return not _column_labels(node.slice)
        return _row_index(node.slice)
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute):
        name = node.func.attr
        if name == "drop":
            return bool(node.args) or any(k.arg == "index" for k in node.keywords)
        return name in ROW_METHODS
    return False


def _row_index(node: ast.expr) -> bool:
    if isinstance(node, ast.Slice):
        return True
    if isinstance(node, ast.Name):
        return bool(_words(node.id) & (SPLIT_WORDS | {"idx", "mask", "index", "rows"}))
    return any(
        isinstance(n, ast.Compare) or (isinstance(n, ast.UnaryOp) and isinstance(n.op, ast.Invert))
        or (isinstance(n, ast.Call) and _call_name(n) in ("isin", "where", "in1d"))
        for n in ast.walk(node)
    )  # fmt: skip


def _column_labels(node: ast.expr) -> bool:
    parts = node.elts if isinstance(node, ast.Tuple | ast.List) else [node]
    return all(isinstance(p, ast.Constant) and isinstance(p.value, str) for p in parts)


def _call_name(call: ast.Call) -> str | None:
    func = call.func
    return func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", None)


def _assignments(tree: ast.Module) -> Iterator[tuple[str, ast.expr]]:
    for node in ast.walk(tree):
        if not isinstance(node, ast.Assign):
            continue
        for target in node.targets:
            if isinstance(target, ast.Tuple) and isinstance(node.value, ast.Tuple):
                pairs = zip(target.elts, node.value.elts, strict=False)
                yield from ((n.id, v) for n, v in pairs if isinstance(n, ast.Name))
            elif isinstance(target, ast.Name):
                yield target.id, node.value


def _targets(statement: ast.stmt) -> list[str]:
    if isinstance(statement, ast.Assign):
        targets = statement.targets
    elif isinstance(statement, ast.AnnAssign | ast.AugAssign):
        targets = [statement.target]
    else:
        return []
    return [n.id for t in targets for n in ast.walk(t) if isinstance(n, ast.Name)]


def _words(name: str) -> set[str]:
    spaced = re.sub(r"(?<=[a-z])(?=[A-Z])", "_", name)
    return {w for w in re.split(r"[^a-z]+", spaced.lower()) if w}
