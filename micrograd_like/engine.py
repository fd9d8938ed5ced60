"""`Value`: one float in a computation graph, with its gradient and the op that made it.

Every operation makes a new `Value` that remembers its parents (an ordered tuple, so `x * x`
keeps both edges) and its op's `Rule`; the local derivatives are computed from that rule when
`backward()` needs them, which keeps a node to a handful of slots.

    >>> a, b = Value(2.0, "a"), Value(-3.0, "b")
    >>> c = a * b + a
    >>> c.backward()
    >>> c.data, a.grad, b.grad
    (-4.0, -2.0, 2.0)
"""

from __future__ import annotations

import itertools
import math
import numbers
from collections.abc import Iterator
from contextlib import contextmanager

from . import rules
from .rules import CONSTANT, INPUT, LEAF_KINDS, LeafKind, Rule

Number = int | float

_recording = True  # False inside `no_grad()`: ops then make plain leaves


@contextmanager
def no_grad() -> Iterator[None]:
    """Inside this block operations compute values but record no graph (like torch.no_grad).

    >>> with no_grad():
    ...     y = Value(2.0) * 3
    >>> y.parents
    ()
    """
    global _recording
    before, _recording = _recording, False
    try:
        yield
    finally:
        _recording = before


def is_recording() -> bool:
    """True unless inside `no_grad()`."""
    return _recording


def _as_float(data: object, what: str = "Value") -> float:
    """A finite float from a real number, or a TypeError/ValueError naming what was given."""
    if type(data) is float or type(data) is int:  # the common case, checked cheaply
        number = float(data)
    elif isinstance(data, bool) or not isinstance(data, numbers.Real):
        raise TypeError(
            f"{what} needs a real number (int, float or numpy scalar), got {type(data).__name__}: {data!r}"
        )
    else:
        number = float(data)  # numpy scalars, Fraction, ...
    if not math.isfinite(number):
        raise ValueError(f"{what} needs a finite number, got {number!r}")
    return number


class Value:
    """A scalar that records how it was computed, so `backward()` can find every gradient."""

    # Two parent slots instead of a tuple: every op has one or two inputs, and one object per node
    # instead of two halves the memory and what Python's cycle collector has to walk.
    __slots__ = ("data", "grad", "label", "_op", "_a", "_b", "_seq")
    __array_ufunc__ = None  # numpy defers to our reflected operators: np.float32(2) * Value(3) works

    data: float
    grad: float
    label: str
    _op: Rule | LeafKind
    _a: Value | None  # first parent (None for a leaf)
    _b: Value | None  # second parent (None for a leaf or a one-input op)
    _seq: int  # creation number: a node is always made after its parents (see backward_order)

    def __init__(self, data: object, label: str = "", *, kind: str = "input") -> None:
        if kind not in LEAF_KINDS:
            raise ValueError(f"kind must be one of {sorted(LEAF_KINDS)}, got {kind!r}")
        if not isinstance(label, str):
            raise TypeError(f"label must be a str, got {type(label).__name__}")
        self.data = _as_float(data)
        self.grad = 0.0
        self.label = label
        self._op = LEAF_KINDS[kind]
        self._a = self._b = None
        self._seq = next(_serial)

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
        """Fill in d(self)/d(node) for every node below: interior nodes from scratch, leaves accumulate."""
        from .backward import backward

        backward(self)

    # --- arithmetic: numbers on either side become constant leaves -----------------------------

    def __add__(self, other: Value | Number) -> Value:
        return _binary(rules.ADD, self, other if isinstance(other, Value) else _constant(other, "+"))

    def __radd__(self, other: Number) -> Value:
        return _binary(rules.ADD, _constant(other, "+"), self)

    def __sub__(self, other: Value | Number) -> Value:
        return _binary(rules.SUB, self, other if isinstance(other, Value) else _constant(other, "-"))

    def __rsub__(self, other: Number) -> Value:
        return _binary(rules.SUB, _constant(other, "-"), self)

    def __mul__(self, other: Value | Number) -> Value:
        return _binary(rules.MUL, self, other if isinstance(other, Value) else _constant(other, "*"))

    def __rmul__(self, other: Number) -> Value:
        return _binary(rules.MUL, _constant(other, "*"), self)

    def __truediv__(self, other: Value | Number) -> Value:
        return _binary(rules.DIV, self, other if isinstance(other, Value) else _constant(other, "/"))

    def __rtruediv__(self, other: Number) -> Value:
        return _binary(rules.DIV, _constant(other, "/"), self)

    def __pow__(self, exponent: Value | Number) -> Value:
        if isinstance(exponent, Value):
            return _binary(rules.POW, self, exponent)
        return _unary(rules.power(_as_float(exponent, "the exponent of **")), self)

    def __rpow__(self, base: Number) -> Value:
        return _binary(rules.POW, _constant(base, "**"), self)

    def __neg__(self) -> Value:
        return _unary(rules.NEG, self)

    def __pos__(self) -> Value:
        return self

    # --- functions ----------------------------------------------------------------------------

    def exp(self) -> Value:
        return _unary(rules.EXP, self)

    def log(self) -> Value:
        return _unary(rules.LOG, self)

    def tanh(self) -> Value:
        return _unary(rules.TANH, self)

    def sigmoid(self) -> Value:
        return _unary(rules.SIGMOID, self)

    def relu(self) -> Value:
        return _unary(rules.RELU, self)


# Nodes are made without calling __init__: the data is already a checked float, and this path
# runs once per op, so it is kept to the bare slot stores.
_new_value = object.__new__
_serial = itertools.count()  # creation numbers, shared by every node


def _node(data: float, op: Rule | LeafKind, a: Value | None, b: Value | None) -> Value:
    out = _new_value(Value)
    out.data = data
    out.grad = 0.0
    out.label = ""
    out._seq = next(_serial)
    if _recording:
        out._op, out._a, out._b = op, a, b
    else:  # no_grad(): the result is a plain leaf
        out._op, out._a, out._b = INPUT, None, None
    return out


def _binary(rule: Rule, a: Value, b: Value) -> Value:
    data = rule.forward(a.data, b.data)
    if data - data:  # inf - inf and nan - nan are nan (truthy); any finite x - x is 0.0
        raise OverflowError(
            f"{rule.name}({a.data!r}, {b.data!r}) = {data!r}: the result is not a finite float"
        )
    return _node(data, rule, a, b)


def _unary(rule: Rule, a: Value) -> Value:
    return _node(rule.forward(a.data), rule, a, None)  # unary forwards check their own range


def _constant(number: object, symbol: str) -> Value:
    """Wrap the plain number in `x + 2` as a constant leaf (a TypeError names anything else)."""
    out = _new_value(Value)
    out.data = _as_float(number, f"the other operand of {symbol}")
    out.grad = 0.0
    out.label = ""
    out._seq = next(_serial)
    out._op, out._a, out._b = CONSTANT, None, None
    return out
