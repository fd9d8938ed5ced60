"""The chain rule, spelled out: d(root)/d(x) as a sum over paths of products of local derivatives.

`explain(root, x)` finds every path from `root` down to `x` in the graph. Along a path it
multiplies the local derivatives d(node)/d(parent) that the op rules give (`Value.local_grads()`,
the same numbers `backward()` uses); the paths' products add up to d(root)/d(x). A value used
twice (`x * x`) is two paths. The result prints as text with names and numbers.

    >>> from micrograd_like import Value
    >>> x = Value(3.0, "x")
    >>> y = x * x
    >>> y.label = "y"
    >>> y.backward()
    >>> e = explain(y, x)
    >>> print(e)
    dy/dx = sum over 2 paths from y to x of the local derivatives multiplied along each path
      path 1: dy/dx (operand 1) = (3.0) = 3.0
      path 2: dy/dx (operand 2) = (3.0) = 3.0
    dy/dx = 3.0 + 3.0 = 6.0
    >>> e.total == x.grad
    True

Paths are counted first (a dynamic program, one pass over the graph); a graph whose path count
or explanation length passes the limits is refused with an error that says how many there are.
Unlabelled nodes get the names `names.graph_names` gives everywhere: their expression, e.g. `a·b`,
or `t1` (defined below the text) when that is long.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from ..core.engine import Value
from ..core.names import dname, graph_names
from ..core.order import backward_order
from ..util.numbers import format_number
from .lookup import find_node

MAX_PATHS = 1000  # more paths than this is a wall of text, not an explanation
MAX_FACTORS = 10_000  # local derivatives over all paths together


@dataclass(frozen=True, slots=True)
class Factor:
    """d(top)/d(bottom) along one stretch of a path: the product of the local derivatives on it."""

    name: str  # "dz[2]/ds[2]"
    value: float  # the local derivatives of the stretch multiplied, top first
    locals: tuple[float, ...]  # each edge's local derivative, from the op rules, top first
    formulas: tuple[str, ...]  # each edge's rule formula, e.g. "d(tanh a)/da = 1 - tanh²(a)"
    top: Value
    bottom: Value


@dataclass(frozen=True, slots=True)
class PathTerm:
    """One path from the root to x: its factors and their product."""

    factors: tuple[Factor, ...]
    value: float  # product of every local derivative on the path, in backward's order


@dataclass(frozen=True, slots=True, repr=False)
class Explanation:
    """d(root)/d(x) as a sum over paths; `str()` gives the text, `total` the number."""

    root: Value
    param: Value
    root_name: str
    param_name: str
    paths: tuple[PathTerm, ...]
    total: float
    legend: tuple[str, ...] = ()  # what the stand-in names mean, e.g. "t1 = tanh((a*b))"
    digits: int | None = None

    @property
    def name(self) -> str:
        return dname(self.root_name, self.param_name)

    def __repr__(self) -> str:
        return f"<Explanation {self.name} = {self.total!r} over {len(self.paths)} path(s)>"

    def __str__(self) -> str:
        def f(x: float) -> str:
            return format_number(x, self.digits)

        if not self.paths:
            return f"{self.name} = 0.0: no path leads from {self.root_name} to {self.param_name}"
        if self.root is self.param:
            return f"{self.name} = 1.0: the derivative of a value with respect to itself"

        def chain(path: PathTerm) -> str:
            names = " · ".join(fac.name for fac in path.factors)
            numbers = " · ".join(f"({f(fac.value)})" for fac in path.factors)
            return f"{names} = {numbers} = {f(path.value)}"

        where = [f"  where {'; '.join(self.legend)}"] if self.legend else []
        if len(self.paths) == 1:
            return "\n".join([f"{self.name} = {chain(self.paths[0])}", *where])
        lines = [
            f"{self.name} = sum over {len(self.paths)} paths from {self.root_name} to "
            f"{self.param_name} of the local derivatives multiplied along each path"
        ]
        lines += [f"  path {i}: {chain(path)}" for i, path in enumerate(self.paths, 1)]
        terms = " + ".join(f(path.value) if path.value >= 0 else f"({f(path.value)})" for path in self.paths)
        lines.append(f"{self.name} = {terms} = {f(self.total)}")
        return "\n".join(lines + where)


def count_paths(root: Value, param: Value | str) -> int:
    """How many paths lead from `root` down to `param` (a node used twice counts twice).

    `param` is a Value or a node's name (its label, or the name an unlabelled node is shown with).
    """
    return _count(backward_order(root), _node_or_outside(root, param, "count_paths"))[0].get(root, 0)


def _count(order: list[Value], param: Value) -> tuple[dict[Value, int], dict[Value, int]]:
    """Paths from each node down to `param`, and the total number of edges on them.

    Over the graph from the leaves up: paths(param) = 1; paths(node) = sum of paths(parent) over
    the node's parents (each use of a parent counts); edges(node) = sum of paths(p) + edges(p).
    """
    paths: dict[Value, int] = {}
    edges: dict[Value, int] = {}
    for node in reversed(order):  # parents come before the nodes that use them
        if node is param:
            paths[node], edges[node] = 1, 0
            continue
        n = e = 0
        for parent in node.parents:
            p = paths.get(parent, 0)
            if p:
                n += p
                e += p + edges[parent]
        if n:
            paths[node], edges[node] = n, e
    return paths, edges


def explain(
    root: Value,
    param: Value | str,
    *,
    skip_unlabelled: bool = False,
    digits: int | None = None,
    max_paths: int = MAX_PATHS,
    max_factors: int = MAX_FACTORS,
) -> Explanation:
    """d(root)/d(param) as the sum over every path of the product of local derivatives along it.

    `param` is a Value of the graph or a node's name: its label (`"w[1]11"`), or for an
    unlabelled node the name every view shows (`"a·b"`); an unknown or shared name is a
    ValueError that lists the close names.
    With `skip_unlabelled=True` only labelled nodes are named along a path: the local derivatives
    through unlabelled nodes in between are multiplied into one factor (so `L = (z - y)**2` gives
    the factor dL/dz). `digits` rounds the printed numbers (default: exact repr). Raises
    ValueError if the graph has more than `max_paths` paths or `max_factors` local derivatives
    on them all, saying how many.

    The total is computed in the same order as `backward()` (each path's product from the root
    down), so with a single path it equals `param.grad` to the last bit after one backward pass;
    with several paths the sum is grouped differently and can differ in the last bits.
    """
    param = _node_or_outside(root, param)
    if digits is not None and (
        isinstance(digits, bool) or not isinstance(digits, int) or not 1 <= digits <= 17
    ):
        raise ValueError(f"explain: digits must be a whole number from 1 to 17 (or None), got {digits!r}")
    order = backward_order(root)
    paths_from, edges_from = _count(order, param)
    n_paths = paths_from.get(root, 0)
    if n_paths > max_paths:
        raise ValueError(
            f"explain: {n_paths} paths lead from the root to this value, more than the limit of "
            f"{max_paths}; explain a smaller graph or pass max_paths={n_paths}"
        )
    n_factors = edges_from.get(root, 0)
    if n_factors > max_factors:
        raise ValueError(
            f"explain: the {n_paths} path(s) hold {n_factors} local derivatives in all, more than "
            f"the limit of {max_factors}; explain a smaller graph or pass max_factors={n_factors}"
        )
    named = graph_names(order)
    names, legend = named.text, named.legend
    terms = tuple(
        _path_term(edges, names, param, skip_unlabelled) for edges in _paths(root, param, paths_from)
    )
    total = 0.0
    for term in terms:
        total += term.value
    if root is param:
        total = 1.0
    param_name = names[param] if param in names else graph_names([param]).text[param]
    used = {n for term in terms for fac in term.factors for n in (names[fac.top], names[fac.bottom])}
    used |= {names[root], param_name}
    # a stand-in shown inside an expression (`a·b+t3`), or inside another's meaning, is used too
    used |= {word for name in used for word in _WORD.findall(name)}
    for n in reversed(legend):  # computing order: a stand-in's meaning names only earlier ones
        if n in used:
            used.update(_WORD.findall(legend[n]))
    shown = tuple(f"{n} = {legend[n]}" for n in legend if n in used)
    return Explanation(root, param, names[root], param_name, terms, total, shown, digits)


_WORD = re.compile(r"[\w\[\]]+")  # a name inside an expression's text: t3, input1, w[2]12


def _node_or_outside(root: Value, param: Value | str, what: str = "explain") -> Value:
    """The node `param` names; a Value outside the graph is allowed (it has no path: 0)."""
    if isinstance(param, Value) and isinstance(root, Value):
        return param
    return find_node(root, param, what=what)


_Edge = tuple[Value, int]  # (node, index of the parent taken)


def _paths(root: Value, param: Value, paths_from: dict[Value, int]) -> Iterable[list[_Edge]]:
    """Every path from root to param as a list of edges, parents in order (iterative DFS)."""
    if root not in paths_from:
        return
    path: list[_Edge] = []
    stack: list[tuple[Value, int]] = [(root, 0)]  # (node, next parent index to try)
    while stack:
        node, i = stack.pop()
        if node is param:
            yield list(path)
            if path:
                path.pop()
            continue
        parents = node.parents
        while i < len(parents) and parents[i] not in paths_from:
            i += 1
        if i == len(parents):
            if path:
                path.pop()
            continue
        stack.append((node, i + 1))
        path.append((node, i))
        stack.append((parents[i], 0))


def _path_term(edges: list[_Edge], names: dict[Value, str], param: Value, skip: bool) -> PathTerm:
    factors: list[Factor] = []
    value = 1.0
    top: Value | None = None
    locals_: list[float] = []
    formulas: list[str] = []
    suffix = ""
    for node, i in edges:
        if top is None:
            top = node
        parent = node.parents[i]
        local = node.local_grads()[i]
        rule = node.rule
        assert rule is not None  # a node with parents was made by an op
        locals_.append(local)
        formulas.append(rule.formulas[i])
        value = local * value  # the engine's order: local · upstream
        if len(node.parents) == 2 and node.parents[0] is node.parents[1]:
            suffix = f" (operand {i + 1})"  # x*x: the two uses of x are two paths
        if parent is param or not skip or parent.label:
            product = 1.0
            for x in locals_:
                product = x * product
            name = dname(names[top], names[parent]) + (suffix if len(locals_) == 1 else "")
            factors.append(Factor(name, product, tuple(locals_), tuple(formulas), top, parent))
            top, locals_, formulas, suffix = None, [], [], ""
    return PathTerm(tuple(factors), value)
