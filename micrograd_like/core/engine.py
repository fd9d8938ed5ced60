"""`Value`: one float in a computation graph, with its gradient and the op that made it.

Every operation makes a new `Value` that remembers its parents (in order, so `x * x` keeps both
edges) and its op's `Rule`; the local derivatives are computed from that rule when `backward()`
needs them, which keeps a node to six slots.

    >>> a, b = Value(2.0, "a"), Value(-3.0, "b")
    >>> c = a * b + a
    >>> c.backward()
    >>> c.data, a.grad, b.grad
    (-4.0, -2.0, 2.0)

The operators and functions (`a * b`, `x.tanh()`, ...) are in `operators.py`, which
`tools/generate_operators.py` writes from the rule table (`rules.py`): one plain method per op, with
the rule's checks inline and its formula and derivatives in the docstring. `Value` inherits them.
"""

from __future__ import annotations

import contextvars
import math
import numbers
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from . import operators
from .backprop import backward as _backward
from .operators import Operators
from .order import ZERO as _ZERO
from .order import backward_order
from .rules import CONSTANT, INPUT, LEAF_KINDS, LeafKind, Rule

Number = int | float

# Recording is per thread and per async task (a context variable, like torch.no_grad). Ops read
# the variable only while some `no_grad()` block is open anywhere: the common case costs nothing.
_recording: contextvars.ContextVar[bool] = contextvars.ContextVar("micrograd_like_recording", default=True)
# one entry per open no_grad() block in all threads together: a list, so that operators.py reads the
# same object engine.py changes
_open_no_grad_blocks: list[None] = []
_blocks_lock = threading.Lock()


@contextmanager
def no_grad() -> Iterator[None]:
    """Inside this block operations compute values but record no graph (like torch.no_grad).

    The setting belongs to the current thread (and async task): other threads keep recording.

    >>> with no_grad():
    ...     y = Value(2.0) * 3
    >>> y.parents
    ()
    """
    with _blocks_lock:
        _open_no_grad_blocks.append(None)
    token = _recording.set(False)
    try:
        yield
    finally:
        try:
            _recording.reset(token)
        except ValueError:  # left in another context than it was entered in: restore by value
            _recording.set(True if token.old_value is contextvars.Token.MISSING else token.old_value)
        with _blocks_lock:
            _open_no_grad_blocks.pop()


def is_recording() -> bool:
    """True unless inside `no_grad()` (in this thread or async task)."""
    return _recording.get()


def as_float(data: object, what: str = "Value") -> float:
    """A finite float from a real number, or a TypeError/ValueError naming what was given."""
    if type(data) is float:  # the common case, checked cheaply
        number = data
    elif isinstance(data, bool) or not isinstance(data, numbers.Real):
        raise TypeError(
            f"{what} needs a real number (int, float or numpy scalar), got {type(data).__name__}: {data!r}"
        )
    else:
        try:
            number = float(data)  # ints, numpy scalars, Fraction, ...
        except OverflowError:
            digits = len(str(abs(int(data)))) if isinstance(data, numbers.Integral) else None
            size = f"an integer of {digits} digits" if digits else f"{type(data).__name__} {data!r}"
            raise ValueError(
                f"{what} needs a number that fits a float (at most about 1.8e308), got {size}"
            ) from None
    if not math.isfinite(number):
        raise ValueError(f"{what} needs a finite number, got {number!r}")
    return number


class Value(Operators):
    """A scalar that records how it was computed, so `backward()` can find every gradient.

    Its operators and functions (`+ - * / **`, unary `-`, `exp log tanh sigmoid relu`) come from
    `Operators` in operators.py, generated from the rule table: read an op's code there, and its
    forward formula and derivatives in its docstring (`help(Value.tanh)`).
    """

    # Two parent slots instead of a tuple: every op has one or two inputs, and one object per node
    # instead of two halves the memory and what Python's cycle collector has to walk.
    __slots__ = ("data", "grad", "label", "_op", "_a", "_b")
    __array_ufunc__ = None  # numpy defers to our reflected operators: np.float32(2) * Value(3) works

    data: float
    grad: float
    label: str
    _op: Rule | LeafKind
    _a: Value | None  # first parent (None for a leaf)
    _b: Value | None  # second parent (None for a leaf or a one-input op)

    def __init__(self, data: object, label: str = "", *, kind: str = "input") -> None:
        if kind not in LEAF_KINDS:
            raise ValueError(f"kind must be one of {sorted(LEAF_KINDS)}, got {kind!r}")
        if not isinstance(label, str):
            raise TypeError(f"label must be a str, got {type(label).__name__}")
        self.data = as_float(data)
        self.grad = _ZERO  # the shared 0.0: a backward pass has nothing to save for it
        self.label = label
        self._op = LEAF_KINDS[kind]
        self._a = self._b = None

    # --- what the graph records --------------------------------------------------------------

    @property
    def parents(self) -> tuple[Value, ...]:
        """The inputs of the op that made this value, in order (empty for a leaf)."""
        a, b = self._a, self._b
        return () if a is None else (a,) if b is None else (a, b)

    @property
    def op(self) -> str:
        """The op's name ("mul", "tanh", ...), or "" for a leaf."""
        return self._op.name if isinstance(self._op, Rule) else ""

    @property
    def rule(self) -> Rule | None:
        """The derivative rule of the op that made this value (None for a leaf)."""
        return self._op if isinstance(self._op, Rule) else None

    @property
    def kind(self) -> str:
        """ "input", "constant" or "parameter" for a leaf; "op" for a computed value."""
        return self._op.name if isinstance(self._op, LeafKind) else "op"

    @property
    def is_leaf(self) -> bool:
        return self._a is None

    def local_grads(self) -> tuple[float, ...]:
        """d(self)/d(parent) for each parent, from the op's rule at the current values."""
        if not isinstance(self._op, Rule):
            return ()
        return self._op.local(self.data, *[p.data for p in self.parents])

    def __repr__(self) -> str:
        extra = f", label={self.label!r}" if self.label else ""
        extra += f", op={self.op!r}" if self._a is not None else ""
        return f"Value({self.data!r}, grad={self.grad!r}{extra})"

    # --- backward -----------------------------------------------------------------------------

    def backward(self) -> None:
        """Fill in d(self)/d(node) for every node below: interior nodes from scratch, leaves accumulate.

        All or nothing: if a local derivative fails or a gradient would not be finite, a
        `BackwardError` names the op and the node, and every `.grad` is as it was before.
        """
        _backward(self)

    # --- copying and pickling: iterative, so a graph of any depth works ------------------------

    def __copy__(self) -> Value:
        return make_node(self.data, self._op, self._a, self._b, self.grad, self.label)

    def __deepcopy__(self, memo: dict[int, Any]) -> Value:
        for node in reversed(backward_order(self)):  # parents first: theirs are made before they are needed
            if id(node) not in memo:
                a = None if node._a is None else memo[id(node._a)]
                b = None if node._b is None else memo[id(node._b)]
                memo[id(node)] = make_node(node.data, node._op, a, b, node.grad, node.label)
        return memo[id(self)]

    def __reduce_ex__(self, protocol: object) -> tuple[Any, ...]:
        # A node pickles as its fields and its parents. Pickling parents inside parents would
        # recurse as deep as the graph, so the first node pickled lists every node below it first,
        # parents before children: by the time each is reached its parents are already in the
        # pickle's memo, and `_being_pickled` tells those nodes to pickle without the list.
        fields = (self.data, self.grad, self.label, self._op, self._a, self._b)
        if self._a is None or id(self) in _being_pickled:
            _being_pickled.discard(id(self))
            return (_restore, fields)
        below = [node for node in reversed(backward_order(self)) if node is not self]
        if len(_being_pickled) > 1_000_000:  # ids left by nodes the memo already held: only a shortcut
            _being_pickled.clear()
        _being_pickled.update(id(node) for node in below if node._a is not None)
        return (_restore_after, (below, *fields))

    # --- +x: no op and no node (the other operators are in operators.py) ------------------------

    def __pos__(self) -> Value:
        """+x is x itself."""
        return self


_new_value = object.__new__
# ids of interior nodes listed ahead of the node that pickles them. An id can stay behind (its node
# was already in the memo, so it never asked): harmless, it only makes that node's pickle shallow.
_being_pickled: set[int] = set()


def make_node(
    data: float, op: Rule | LeafKind, a: Value | None, b: Value | None, grad: float = _ZERO, label: str = ""
) -> Value:
    """A node from its parts, with no check: for the engine, copying and the compiler, which have
    checked `data` already (users make nodes with `Value(...)`, `apply` and the operators)."""
    out = _new_value(Value)
    out.data = data
    out.grad = grad
    out.label = label
    out._op, out._a, out._b = op, a, b
    return out


def _restore(
    data: float, grad: float, label: str, op: Rule | LeafKind, a: Value | None, b: Value | None
) -> Value:
    return make_node(data, op, a, b, grad, label)


def _restore_after(below: list[Value], *fields: Any) -> Value:
    return _restore(*fields)  # `below` was only there to fill the pickle's memo parents first


def _constant(number: object, symbol: str) -> Value:
    """Wrap the plain number in `x + 2` as a constant leaf (a TypeError names anything else)."""
    return make_node(as_float(number, f"the other operand of {symbol}"), CONSTANT, None, None)


def apply(rule: Rule, *parents: Value) -> Value:
    """A new node: `rule` applied to `parents` (one or two `Value`s), recorded unless in no_grad().

    Every operator is this, written out; it is also how to use a rule of your own:

    >>> from micrograd_like.rules import Rule
    >>> square = Rule("square", "²", forward="a * a", local=("2 * a",), display="{a}²")
    >>> y = apply(square, Value(3.0))
    >>> y.backward(); y.data, y.parents[0].grad
    (9.0, 6.0)
    """
    if len(parents) != len(rule.inputs) or not all(isinstance(p, Value) for p in parents):
        raise TypeError(f"{rule.name} takes {len(rule.inputs)} Value(s), got {parents!r}")
    data = rule.forward(*[p.data for p in parents])
    if _open_no_grad_blocks and not _recording.get():
        return make_node(data, INPUT, None, None)
    return make_node(data, rule, parents[0], parents[1] if len(parents) == 2 else None)


# operators.py's methods name these, which exist only now (it imports them for type checkers alone:
# at run time that import would be circular), so they are handed over here, once.
vars(operators).update(
    Value=Value,
    _constant=_constant,
    as_float=as_float,
    apply=apply,
    _open_no_grad_blocks=_open_no_grad_blocks,
    _recording=_recording,
)
