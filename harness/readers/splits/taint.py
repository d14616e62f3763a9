"""Which values of one module derive from the group column: a small taint analysis.

Flow- and scope-insensitive on purpose (names are tracked per module, through assignments,
loops, comprehensions, the parameters and return values of the module's own functions, and
the return values of the functions other modules of the submission define), run to a
fixpoint. Four kinds of value:

- `name`: a string equal to a group column's name (`"pump_id"`, a constant holding it);
- `group`: the group column or values derived from it (`df[g]`, `.unique()`, `set(...)`,
  a shuffle or a slice of them, `groupby(g).ngroup() % k`, a hash of an id);
- `groupby`: a `groupby` by the group column (its `.ngroup()` is `group`, its aggregates are not);
- `mask`: a row mask or index computed by membership or comparison against group values.
"""

from __future__ import annotations

import ast
from collections import defaultdict
from collections.abc import Iterable, Iterator, Mapping
from typing import Literal

Kind = Literal["name", "group", "groupby", "mask"]
Kinds = frozenset[Kind]
NONE: Kinds = frozenset()
GROUP: Kinds = frozenset({"group"})
MASK: Kinds = frozenset({"mask"})
CARRIED: Kinds = frozenset({"group", "mask"})
MAX_ROUNDS = 12

MEMBERSHIP = frozenset({"isin", "in1d"})
INDEX_OF = frozenset({"where", "flatnonzero", "nonzero", "argwhere"})
GROUPBY_VALUES = frozenset({"ngroup", "groups", "indices", "keys"})
SANITIZERS = frozenset(
    {"len", "nunique", "count", "size", "shape", "ndim", "dtype", "dtypes", "sum", "mean",
     "std", "any", "all", "isna", "isnull", "notna", "notnull", "print", "describe", "info",
     "memory_usage", "duplicated", "empty", "columns", "name", "format"}
)  # fmt: skip
PROPAGATE = frozenset(
    {"unique", "sort", "sorted", "set", "frozenset", "list", "tuple", "array", "asarray",
     "Series", "Index", "DataFrame", "permutation", "shuffle", "choice", "sample", "array_split",
     "factorize", "hash", "crc32", "adler32", "md5", "sha1", "sha256", "blake2b", "str", "int",
     "dict", "zip", "map", "concatenate", "setdiff1d", "intersect1d", "union1d", "difference",
     "intersection", "union", "train_test_split", "reversed", "iter", "next", "Categorical",
     "to_numpy", "tolist", "fromkeys", "repeat", "tile", "hstack", "cut", "qcut", "mod"}
)  # fmt: skip
IGNORED_KEYWORDS = frozenset({"groups", "stratify", "cv", "sample_weight"})


class Flow:
    """The taint of every name of one module, computed on construction."""

    def __init__(self, tree: ast.Module, columns: Iterable[str], aliases: dict[str, str],
                 named: Iterable[str] = (),
                 imported: Mapping[str, Kinds] | None = None):  # fmt: skip
        self.columns = set(columns)
        self.aliases = aliases
        self.imported = dict(imported or {})
        """What the functions of the submission's other modules return, by name."""
        self.env: defaultdict[str, set[Kind]] = defaultdict(set)
        for name in named:
            self.env[name].add("name")
        self.returns: defaultdict[str, set[Kind]] = defaultdict(set)
        self.functions: defaultdict[str, list[ast.FunctionDef | ast.AsyncFunctionDef]] = (
            defaultdict(list)
        )
        self._nodes = list(ast.walk(tree))
        for node in self._nodes:
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                self.functions[node.name].append(node)
        for _ in range(MAX_ROUNDS):
            before = self._size()
            for node in self._nodes:
                self._step(node)
            if self._size() == before:
                break

    def _size(self) -> int:
        return (
            sum(map(len, self.env.values()))
            + sum(map(len, self.returns.values()))
            + len(self.columns)
        )

    def callee(self, call: ast.Call) -> str | None:
        """The called function's own name (an import alias resolved)."""
        name = _identifier(call.func)
        return self.aliases.get(name, name) if name is not None else None

    # -- bindings -----------------------------------------------------------------------

    def _step(self, node: ast.AST) -> None:
        if isinstance(node, ast.Assign):
            for target in node.targets:
                self._bind(target, node.value)
        elif isinstance(node, ast.AnnAssign | ast.NamedExpr) and node.value is not None:
            self._bind(node.target, node.value)
        elif isinstance(node, ast.AugAssign):
            self._bind_kinds(node.target, self.kinds(node.value) & CARRIED)
        elif isinstance(node, ast.For | ast.AsyncFor | ast.comprehension):
            self._bind_iteration(node.target, node.iter)
        elif isinstance(node, ast.withitem) and node.optional_vars is not None:
            self._bind(node.optional_vars, node.context_expr)
        elif isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            for value in _returned(node):
                self.returns[node.name] |= self.kinds(value)
        elif isinstance(node, ast.Call):
            self._bind_call(node)

    def _bind(self, target: ast.expr, value: ast.expr) -> None:
        pairs = _pairs(target, value)
        if pairs is not None:
            for one, other in pairs:
                self._bind(one, other)
            return
        self._bind_kinds(target, self.kinds(value))

    def _bind_kinds(self, target: ast.expr, kinds: Kinds) -> None:
        if isinstance(target, ast.Name | ast.Attribute):
            key = _dotted(target)
            if key is not None and kinds:
                self.env[key] |= kinds
        elif isinstance(target, ast.Tuple | ast.List):
            for element in target.elts:
                self._bind_kinds(element, kinds)
        elif isinstance(target, ast.Starred):
            self._bind_kinds(target.value, kinds)
        elif isinstance(target, ast.Subscript):
            self._bind_column(target, kinds)

    def _bind_column(self, target: ast.Subscript, kinds: Kinds) -> None:
        """`df["fold"] = <group values>` or `df.loc[<mask>, "fold"] = k` makes a group column."""
        parts = target.slice.elts if isinstance(target.slice, ast.Tuple) else [target.slice]
        rows_by_group = len(parts) > 1 and "mask" in self.kinds(parts[0])
        column = parts[-1]
        grouped = kinds & CARRIED or rows_by_group
        if grouped and isinstance(column, ast.Constant) and isinstance(column.value, str):
            self.columns.add(column.value)

    def _bind_iteration(self, target: ast.expr, iterable: ast.expr) -> None:
        if isinstance(iterable, ast.Call) and isinstance(target, ast.Tuple):
            name = self.callee(iterable)
            args = iterable.args
            if name == "enumerate" and args and len(target.elts) == 2:
                self._bind_kinds(target.elts[1], self.kinds(args[0]) & CARRIED)
                return
            if name == "zip" and len(args) == len(target.elts):
                for element, arg in zip(target.elts, args, strict=True):
                    self._bind_kinds(element, self.kinds(arg) & CARRIED)
                return
        kinds = self.kinds(iterable)
        if "groupby" in kinds:
            first = target.elts[0] if isinstance(target, ast.Tuple) and target.elts else target
            self._bind_kinds(first, GROUP)
        self._bind_kinds(target, kinds & CARRIED)

    def _bind_call(self, call: ast.Call) -> None:
        name = self.callee(call)
        if name == "assign":
            for keyword in call.keywords:
                if keyword.arg and self.kinds(keyword.value) & CARRIED:
                    self.columns.add(keyword.arg)
        for function in self.functions.get(name or "", []):
            self._bind_parameters(function, call)

    def _bind_parameters(
        self, function: ast.FunctionDef | ast.AsyncFunctionDef, call: ast.Call
    ) -> None:
        params = [*function.args.posonlyargs, *function.args.args]
        if params and params[0].arg in ("self", "cls") and isinstance(call.func, ast.Attribute):
            params = params[1:]
        for param, arg in zip(params, call.args, strict=False):
            self._bind_kinds(ast.Name(param.arg), self.kinds(arg))
        named = {p.arg for p in [*params, *function.args.kwonlyargs]}
        for keyword in call.keywords:
            if keyword.arg in named:
                self._bind_kinds(ast.Name(keyword.arg), self.kinds(keyword.value))

    # -- evaluation ---------------------------------------------------------------------

    def kinds(self, node: ast.AST | None) -> Kinds:
        """What the value of an expression derives from."""
        if isinstance(node, ast.Constant):
            return frozenset({"name"}) if node.value in self.columns else NONE
        if isinstance(node, ast.Name):
            return frozenset(self.env.get(node.id, ()))
        if isinstance(node, ast.Attribute):
            return self._attribute(node)
        if isinstance(node, ast.Subscript):
            return self._subscript(node)
        if isinstance(node, ast.Call):
            return self._call(node)
        if isinstance(node, ast.Compare):
            return self._compare(node)
        return self._composite(node)

    def _composite(self, node: ast.AST | None) -> Kinds:
        if isinstance(node, ast.BinOp):
            return (self.kinds(node.left) | self.kinds(node.right)) & CARRIED
        if isinstance(node, ast.UnaryOp | ast.Starred | ast.NamedExpr | ast.keyword):
            return self.kinds(node.operand if isinstance(node, ast.UnaryOp) else node.value)
        if isinstance(node, ast.BoolOp | ast.List | ast.Tuple | ast.Set):
            values = node.values if isinstance(node, ast.BoolOp) else node.elts
            return _union(map(self.kinds, values))
        if isinstance(node, ast.IfExp):
            return self.kinds(node.body) | self.kinds(node.orelse)
        if isinstance(node, ast.Lambda):
            return self.kinds(node.body) & CARRIED
        if isinstance(node, ast.ListComp | ast.SetComp | ast.GeneratorExp | ast.DictComp):
            return self._comprehension(node)
        return NONE

    def _comprehension(self, node: ast.ListComp | ast.SetComp | ast.GeneratorExp | ast.DictComp
                       ) -> Kinds:  # fmt: skip
        element = node.key if isinstance(node, ast.DictComp) else node.elt
        kinds = self.kinds(element) & CARRIED
        if any("mask" in self.kinds(test) for g in node.generators for test in g.ifs):
            kinds |= MASK
        return kinds

    def _attribute(self, node: ast.Attribute) -> Kinds:
        if node.attr in self.columns:
            return GROUP
        key = _dotted(node)
        if key is not None and key in self.env:
            return frozenset(self.env[key])
        if node.attr in SANITIZERS:
            return NONE
        base = self.kinds(node.value)
        if "groupby" in base:
            return GROUP if node.attr in GROUPBY_VALUES else frozenset({"groupby"})
        return base & CARRIED

    def _subscript(self, node: ast.Subscript) -> Kinds:
        value, index = self.kinds(node.value), self.kinds(node.slice)
        kinds: set[Kind] = set()
        if ("name" in index and _one_column(node.slice)) or "group" in value:
            kinds.add("group")
        if "groupby" in value:
            kinds.add("groupby")
        if "mask" in value or ("mask" in index and _index_like(node.value)):
            kinds.add("mask")
        return frozenset(kinds)

    def _compare(self, node: ast.Compare) -> Kinds:
        sides = _union(map(self.kinds, [node.left, *node.comparators]))
        return MASK if sides & CARRIED else NONE

    def _call(self, call: ast.Call) -> Kinds:
        name = self.callee(call) or ""
        receiver = self.kinds(call.func.value) if isinstance(call.func, ast.Attribute) else NONE
        args = _union(self.kinds(a) for a in call.args)
        args |= _union(self.kinds(k.value) for k in call.keywords if k.arg not in IGNORED_KEYWORDS)
        if name in self.functions:
            return frozenset(self.returns.get(name, ()))
        if name in self.imported:
            return self.imported[name]
        if name in MEMBERSHIP:
            return MASK if (receiver | args) & CARRIED else NONE
        if name in INDEX_OF:
            return self._index_of(call)
        if name == "groupby":
            return frozenset({"groupby"}) if args & {"name", "group"} else NONE
        if "groupby" in receiver:
            return GROUP if name in GROUPBY_VALUES else NONE
        if name in SANITIZERS:
            return NONE
        if receiver & CARRIED:
            return (receiver | args) & CARRIED
        return args & CARRIED if name in PROPAGATE else NONE

    def _index_of(self, call: ast.Call) -> Kinds:
        first = self.kinds(call.args[0]) if call.args else NONE
        if "mask" not in first and "group" not in first:
            return NONE
        return MASK if len(call.args) == 1 else GROUP


def import_aliases(tree: ast.Module) -> dict[str, str]:
    """`import x as y` and `from m import x as y`: each alias and the name it stands for."""
    aliases: dict[str, str] = {}
    for node in ast.walk(tree):
        if isinstance(node, ast.Import | ast.ImportFrom):
            for alias in node.names:
                if alias.asname:
                    aliases[alias.asname] = alias.name.rsplit(".", 1)[-1]
    return aliases


def _one_column(node: ast.expr) -> bool:
    """`df[g]`, `df[[g]]`, `df.loc[:, g]`, not a list of several columns."""
    if isinstance(node, ast.List):
        return len(node.elts) == 1
    if isinstance(node, ast.Tuple):
        return bool(node.elts) and _one_column(node.elts[-1])
    return True


def _index_like(node: ast.expr) -> bool:
    """`df.index[mask]`, `np.arange(n)[mask]`: selecting from these gives an index, not rows."""
    if isinstance(node, ast.Attribute):
        return node.attr == "index"
    return isinstance(node, ast.Call) and _identifier(node.func) in ("arange", "range")


def _returned(function: ast.FunctionDef | ast.AsyncFunctionDef) -> Iterator[ast.expr]:
    for node in ast.walk(function):
        if isinstance(node, ast.Return | ast.Yield | ast.YieldFrom) and node.value is not None:
            yield node.value


def _pairs(target: ast.expr, value: ast.expr) -> list[tuple[ast.expr, ast.expr]] | None:
    if not isinstance(target, ast.Tuple | ast.List) or not isinstance(value, ast.Tuple | ast.List):
        return None
    if len(target.elts) != len(value.elts) or any(
        isinstance(e, ast.Starred) for e in [*target.elts, *value.elts]
    ):
        return None
    return list(zip(target.elts, value.elts, strict=True))


def _identifier(node: ast.expr) -> str | None:
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Attribute):
        return node.attr
    return None


def _dotted(node: ast.expr) -> str | None:
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Attribute):
        base = _dotted(node.value)
        return f"{base}.{node.attr}" if base else None
    return None


def _union(parts: Iterable[Kinds]) -> Kinds:
    out: set[Kind] = set()
    for part in parts:
        out |= part
    return frozenset(out)
