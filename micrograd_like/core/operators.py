# mypy: disable-error-code="misc"
# (each method's `self` is annotated `Value`, the class that inherits it, which mypy would call an
# invalid self type; with it, mypy checks each body against Value's slots)
"""`Value`'s operators and functions, one method per rule: GENERATED, do not edit by hand.

Written by `tools/generate_operators.py` from the rule table in `micrograd_like/core/rules.py`. To
change an op or add one, change its `Rule` there and run `make generate`, which runs
`python tools/generate_operators.py`; tests/test_operators_generated.py fails while this file differs from
what the rules give.

Every method is its rule written out: the rule's domain checks, its forward formula, a check that
the result is a finite float, then the new node, which records its parents and its rule. Each
docstring gives the forward formula and the local derivatives; `backward()` reads the derivatives
from the rule the node records (`Value.rule`), so the two cannot disagree.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

from .order import ZERO as _ZERO
from .rules import ADD, DIV, EXP, INPUT, LOG, MUL, NEG, POW, RELU, SIGMOID, SUB, TANH, power
from .rules import fail_not_finite as _fail_not_finite

if TYPE_CHECKING:
    # engine.py defines these and hands them to this module right after it defines Value (which
    # inherits the methods below); importing them here at run time would be circular.
    from .engine import Number, Value, _constant, _open_no_grad_blocks, _recording, apply, as_float

_new_value = object.__new__
_inf = math.inf


class Operators:
    """The arithmetic and the functions of `Value` (which inherits them), made from the rule table."""

    __slots__ = ()

    def __add__(self: Value, other: Value | Number) -> Value:
        """a + b, with a = self, b = other: the rule `add` (rules.ADD).

            a+b
            d/da = 1
            d/db = 1

        A plain number as other is wrapped as a constant leaf.
        A result that is not a finite float raises OverflowError.
        """
        if not isinstance(other, Value):
            other = _constant(other, "+")
        a = self.data
        b = other.data
        try:
            data = a + b
        except OverflowError:
            data = _inf
        if data - data:  # inf - inf and nan - nan are nan (truthy); finite x - x is 0.0
            raise _fail_not_finite(ADD, (a, b), data)

        # the result as a new node, which records the rule (backward() reads the derivatives there)
        out = _new_value(Value)
        out.data = data
        out.grad = _ZERO
        out.label = ""
        if _open_no_grad_blocks and not _recording.get():  # no_grad(): the result is a plain leaf
            out._op = INPUT
            out._a = out._b = None
        else:
            out._op = ADD
            out._a = self
            out._b = other
        return out

    def __radd__(self: Value, other: Value | Number) -> Value:
        """a + b, with a = other (a plain number), b = self: the rule `add` (rules.ADD).

            a+b
            d/da = 1
            d/db = 1

        A plain number as other is wrapped as a constant leaf.
        A result that is not a finite float raises OverflowError.
        """
        if not isinstance(other, Value):
            other = _constant(other, "+")
        a = other.data
        b = self.data
        try:
            data = a + b
        except OverflowError:
            data = _inf
        if data - data:  # inf - inf and nan - nan are nan (truthy); finite x - x is 0.0
            raise _fail_not_finite(ADD, (a, b), data)

        # the result as a new node, which records the rule (backward() reads the derivatives there)
        out = _new_value(Value)
        out.data = data
        out.grad = _ZERO
        out.label = ""
        if _open_no_grad_blocks and not _recording.get():  # no_grad(): the result is a plain leaf
            out._op = INPUT
            out._a = out._b = None
        else:
            out._op = ADD
            out._a = other
            out._b = self
        return out

    def __sub__(self: Value, other: Value | Number) -> Value:
        """a - b, with a = self, b = other: the rule `sub` (rules.SUB).

            a-b
            d/da = 1
            d/db = -1

        A plain number as other is wrapped as a constant leaf.
        A result that is not a finite float raises OverflowError.
        """
        if not isinstance(other, Value):
            other = _constant(other, "-")
        a = self.data
        b = other.data
        try:
            data = a - b
        except OverflowError:
            data = _inf
        if data - data:  # inf - inf and nan - nan are nan (truthy); finite x - x is 0.0
            raise _fail_not_finite(SUB, (a, b), data)

        # the result as a new node, which records the rule (backward() reads the derivatives there)
        out = _new_value(Value)
        out.data = data
        out.grad = _ZERO
        out.label = ""
        if _open_no_grad_blocks and not _recording.get():  # no_grad(): the result is a plain leaf
            out._op = INPUT
            out._a = out._b = None
        else:
            out._op = SUB
            out._a = self
            out._b = other
        return out

    def __rsub__(self: Value, other: Value | Number) -> Value:
        """a - b, with a = other (a plain number), b = self: the rule `sub` (rules.SUB).

            a-b
            d/da = 1
            d/db = -1

        A plain number as other is wrapped as a constant leaf.
        A result that is not a finite float raises OverflowError.
        """
        if not isinstance(other, Value):
            other = _constant(other, "-")
        a = other.data
        b = self.data
        try:
            data = a - b
        except OverflowError:
            data = _inf
        if data - data:  # inf - inf and nan - nan are nan (truthy); finite x - x is 0.0
            raise _fail_not_finite(SUB, (a, b), data)

        # the result as a new node, which records the rule (backward() reads the derivatives there)
        out = _new_value(Value)
        out.data = data
        out.grad = _ZERO
        out.label = ""
        if _open_no_grad_blocks and not _recording.get():  # no_grad(): the result is a plain leaf
            out._op = INPUT
            out._a = out._b = None
        else:
            out._op = SUB
            out._a = other
            out._b = self
        return out

    def __mul__(self: Value, other: Value | Number) -> Value:
        """a * b, with a = self, b = other: the rule `mul` (rules.MUL).

            a·b
            d/da = b
            d/db = a

        A plain number as other is wrapped as a constant leaf.
        A result that is not a finite float raises OverflowError.
        """
        if not isinstance(other, Value):
            other = _constant(other, "*")
        a = self.data
        b = other.data
        try:
            data = a * b
        except OverflowError:
            data = _inf
        if data - data:  # inf - inf and nan - nan are nan (truthy); finite x - x is 0.0
            raise _fail_not_finite(MUL, (a, b), data)

        # the result as a new node, which records the rule (backward() reads the derivatives there)
        out = _new_value(Value)
        out.data = data
        out.grad = _ZERO
        out.label = ""
        if _open_no_grad_blocks and not _recording.get():  # no_grad(): the result is a plain leaf
            out._op = INPUT
            out._a = out._b = None
        else:
            out._op = MUL
            out._a = self
            out._b = other
        return out

    def __rmul__(self: Value, other: Value | Number) -> Value:
        """a * b, with a = other (a plain number), b = self: the rule `mul` (rules.MUL).

            a·b
            d/da = b
            d/db = a

        A plain number as other is wrapped as a constant leaf.
        A result that is not a finite float raises OverflowError.
        """
        if not isinstance(other, Value):
            other = _constant(other, "*")
        a = other.data
        b = self.data
        try:
            data = a * b
        except OverflowError:
            data = _inf
        if data - data:  # inf - inf and nan - nan are nan (truthy); finite x - x is 0.0
            raise _fail_not_finite(MUL, (a, b), data)

        # the result as a new node, which records the rule (backward() reads the derivatives there)
        out = _new_value(Value)
        out.data = data
        out.grad = _ZERO
        out.label = ""
        if _open_no_grad_blocks and not _recording.get():  # no_grad(): the result is a plain leaf
            out._op = INPUT
            out._a = out._b = None
        else:
            out._op = MUL
            out._a = other
            out._b = self
        return out

    def __truediv__(self: Value, other: Value | Number) -> Value:
        """a / b, with a = self, b = other: the rule `div` (rules.DIV).

            a/b
            d/da = 1/b
            d/db = -(a/b)/b
            needs b != 0 (else ZeroDivisionError)

        A plain number as other is wrapped as a constant leaf.
        A result that is not a finite float raises OverflowError.
        """
        if not isinstance(other, Value):
            other = _constant(other, "/")
        a = self.data
        b = other.data
        if not (b != 0.0):
            raise DIV.checks[0].failure(a, b)
        try:
            data = a / b
        except OverflowError:
            data = _inf
        if data - data:  # inf - inf and nan - nan are nan (truthy); finite x - x is 0.0
            raise _fail_not_finite(DIV, (a, b), data)

        # the result as a new node, which records the rule (backward() reads the derivatives there)
        out = _new_value(Value)
        out.data = data
        out.grad = _ZERO
        out.label = ""
        if _open_no_grad_blocks and not _recording.get():  # no_grad(): the result is a plain leaf
            out._op = INPUT
            out._a = out._b = None
        else:
            out._op = DIV
            out._a = self
            out._b = other
        return out

    def __rtruediv__(self: Value, other: Value | Number) -> Value:
        """a / b, with a = other (a plain number), b = self: the rule `div` (rules.DIV).

            a/b
            d/da = 1/b
            d/db = -(a/b)/b
            needs b != 0 (else ZeroDivisionError)

        A plain number as other is wrapped as a constant leaf.
        A result that is not a finite float raises OverflowError.
        """
        if not isinstance(other, Value):
            other = _constant(other, "/")
        a = other.data
        b = self.data
        if not (b != 0.0):
            raise DIV.checks[0].failure(a, b)
        try:
            data = a / b
        except OverflowError:
            data = _inf
        if data - data:  # inf - inf and nan - nan are nan (truthy); finite x - x is 0.0
            raise _fail_not_finite(DIV, (a, b), data)

        # the result as a new node, which records the rule (backward() reads the derivatives there)
        out = _new_value(Value)
        out.data = data
        out.grad = _ZERO
        out.label = ""
        if _open_no_grad_blocks and not _recording.get():  # no_grad(): the result is a plain leaf
            out._op = INPUT
            out._a = out._b = None
        else:
            out._op = DIV
            out._a = other
            out._b = self
        return out

    def __pow__(self: Value, exponent: Value | Number) -> Value:
        """a ** b, with a = self, b = exponent: the rule `pow` (rules.POW).

            a**b
            d/da = b·a**(b - 1)
            d/db = (a**b)·log(a)
            needs a > 0 (else ValueError)

        A plain-number exponent n uses the rule rules.power(n) instead: d/da = n·a**(n - 1), and
        a base <= 0 is allowed where a**n is a real number.
        A result that is not a finite float raises OverflowError.
        """
        if not isinstance(exponent, Value):
            return apply(power(as_float(exponent, "the exponent of **")), self)
        a = self.data
        b = exponent.data
        if not (a > 0.0):
            raise POW.checks[0].failure(a, b)
        try:
            data = a**b
        except OverflowError:
            data = _inf
        if data - data:  # inf - inf and nan - nan are nan (truthy); finite x - x is 0.0
            raise _fail_not_finite(POW, (a, b), data)

        # the result as a new node, which records the rule (backward() reads the derivatives there)
        out = _new_value(Value)
        out.data = data
        out.grad = _ZERO
        out.label = ""
        if _open_no_grad_blocks and not _recording.get():  # no_grad(): the result is a plain leaf
            out._op = INPUT
            out._a = out._b = None
        else:
            out._op = POW
            out._a = self
            out._b = exponent
        return out

    def __rpow__(self: Value, base: Value | Number) -> Value:
        """a ** b, with a = base (a plain number), b = self: the rule `pow` (rules.POW).

            a**b
            d/da = b·a**(b - 1)
            d/db = (a**b)·log(a)
            needs a > 0 (else ValueError)

        A plain number as base is wrapped as a constant leaf.
        A result that is not a finite float raises OverflowError.
        """
        if not isinstance(base, Value):
            base = _constant(base, "**")
        a = base.data
        b = self.data
        if not (a > 0.0):
            raise POW.checks[0].failure(a, b)
        try:
            data = a**b
        except OverflowError:
            data = _inf
        if data - data:  # inf - inf and nan - nan are nan (truthy); finite x - x is 0.0
            raise _fail_not_finite(POW, (a, b), data)

        # the result as a new node, which records the rule (backward() reads the derivatives there)
        out = _new_value(Value)
        out.data = data
        out.grad = _ZERO
        out.label = ""
        if _open_no_grad_blocks and not _recording.get():  # no_grad(): the result is a plain leaf
            out._op = INPUT
            out._a = out._b = None
        else:
            out._op = POW
            out._a = base
            out._b = self
        return out

    def __neg__(self: Value) -> Value:
        """-x, with x = self: the rule `neg` (rules.NEG).

            -x
            d/dx = -1

        A result that is not a finite float raises OverflowError.
        """
        a = self.data
        try:
            data = -a
        except OverflowError:
            data = _inf
        if data - data:  # inf - inf and nan - nan are nan (truthy); finite x - x is 0.0
            raise _fail_not_finite(NEG, (a,), data)

        # the result as a new node, which records the rule (backward() reads the derivatives there)
        out = _new_value(Value)
        out.data = data
        out.grad = _ZERO
        out.label = ""
        if _open_no_grad_blocks and not _recording.get():  # no_grad(): the result is a plain leaf
            out._op = INPUT
            out._a = out._b = None
        else:
            out._op = NEG
            out._a = self
            out._b = None
        return out

    def exp(self: Value) -> Value:
        """exp(x), with x = self: the rule `exp` (rules.EXP).

            exp(x)
            d/dx = exp(x)

        A result that is not a finite float raises OverflowError.
        """
        a = self.data
        try:
            data = math.exp(a)
        except OverflowError:
            data = _inf
        if data - data:  # inf - inf and nan - nan are nan (truthy); finite x - x is 0.0
            raise _fail_not_finite(EXP, (a,), data)

        # the result as a new node, which records the rule (backward() reads the derivatives there)
        out = _new_value(Value)
        out.data = data
        out.grad = _ZERO
        out.label = ""
        if _open_no_grad_blocks and not _recording.get():  # no_grad(): the result is a plain leaf
            out._op = INPUT
            out._a = out._b = None
        else:
            out._op = EXP
            out._a = self
            out._b = None
        return out

    def log(self: Value) -> Value:
        """log(x), with x = self: the rule `log` (rules.LOG).

            log(x)
            d/dx = 1/x
            needs x > 0 (else ValueError)

        A result that is not a finite float raises OverflowError.
        """
        a = self.data
        if not (a > 0.0):
            raise LOG.checks[0].failure(a)
        try:
            data = math.log(a)
        except OverflowError:
            data = _inf
        if data - data:  # inf - inf and nan - nan are nan (truthy); finite x - x is 0.0
            raise _fail_not_finite(LOG, (a,), data)

        # the result as a new node, which records the rule (backward() reads the derivatives there)
        out = _new_value(Value)
        out.data = data
        out.grad = _ZERO
        out.label = ""
        if _open_no_grad_blocks and not _recording.get():  # no_grad(): the result is a plain leaf
            out._op = INPUT
            out._a = out._b = None
        else:
            out._op = LOG
            out._a = self
            out._b = None
        return out

    def tanh(self: Value) -> Value:
        """tanh(x), with x = self: the rule `tanh` (rules.TANH).

            tanh(x)
            d/dx = 1 - tanh(x)²

        A result that is not a finite float raises OverflowError.
        """
        a = self.data
        try:
            data = math.tanh(a)
        except OverflowError:
            data = _inf
        if data - data:  # inf - inf and nan - nan are nan (truthy); finite x - x is 0.0
            raise _fail_not_finite(TANH, (a,), data)

        # the result as a new node, which records the rule (backward() reads the derivatives there)
        out = _new_value(Value)
        out.data = data
        out.grad = _ZERO
        out.label = ""
        if _open_no_grad_blocks and not _recording.get():  # no_grad(): the result is a plain leaf
            out._op = INPUT
            out._a = out._b = None
        else:
            out._op = TANH
            out._a = self
            out._b = None
        return out

    def sigmoid(self: Value) -> Value:
        """σ(x), with x = self: the rule `sigmoid` (rules.SIGMOID).

            σ(x) = 1/(1 + exp(-x)) if x >= 0 else exp(x)/(1 + exp(x))
            d/dx = σ(x)·(1 - σ(x))

        A result that is not a finite float raises OverflowError.
        """
        a = self.data
        try:
            data = 1.0 / (1.0 + math.exp(-a)) if a >= 0.0 else math.exp(a) / (1.0 + math.exp(a))
        except OverflowError:
            data = _inf
        if data - data:  # inf - inf and nan - nan are nan (truthy); finite x - x is 0.0
            raise _fail_not_finite(SIGMOID, (a,), data)

        # the result as a new node, which records the rule (backward() reads the derivatives there)
        out = _new_value(Value)
        out.data = data
        out.grad = _ZERO
        out.label = ""
        if _open_no_grad_blocks and not _recording.get():  # no_grad(): the result is a plain leaf
            out._op = INPUT
            out._a = out._b = None
        else:
            out._op = SIGMOID
            out._a = self
            out._b = None
        return out

    def relu(self: Value) -> Value:
        """relu(x), with x = self: the rule `relu` (rules.RELU).

            relu(x) = x if x > 0 else 0
            d/dx = 1 if x > 0 else 0

        A result that is not a finite float raises OverflowError.
        """
        a = self.data
        try:
            data = a if a > 0.0 else 0.0
        except OverflowError:
            data = _inf
        if data - data:  # inf - inf and nan - nan are nan (truthy); finite x - x is 0.0
            raise _fail_not_finite(RELU, (a,), data)

        # the result as a new node, which records the rule (backward() reads the derivatives there)
        out = _new_value(Value)
        out.data = data
        out.grad = _ZERO
        out.label = ""
        if _open_no_grad_blocks and not _recording.get():  # no_grad(): the result is a plain leaf
            out._op = INPUT
            out._a = out._b = None
        else:
            out._op = RELU
            out._a = self
            out._b = None
        return out
