"""The post's worked example, built on `nn.MLP`, with every node named as the post names it.

Two inputs, two tanh hidden units, one tanh output, no bias; x1 = x2 = 1, target y = 1; loss
L = (ŷ − y)²; one gradient-descent step w ← w − α·dL/dw with α = 0.1. The weights are the
project's documented defaults (the post's figures are lost); override any of the ten numbers.

    >>> ex = build()
    >>> ex.nodes["z[2]"].data, ex.loss.data  # ŷ and L
    (0.3056574190333423, 0.4821116197434396)
    >>> steps = ex.steps()  # the backward pass, one node at a time
    >>> print(next(steps))
    L = 0.482112 (pow): upstream dL/dL = 1
      z[2]-y: local -1.38869 · upstream 1 = -1.38869, (z[2]-y).grad now -1.38869
    >>> print(next(steps))
    z[2]-y = -0.694343 (sub): upstream dL/d(z[2]-y) = -1.38869
      z[2]: local 1 · upstream -1.38869 = -1.38869, z[2].grad now -1.38869
      y: local -1 · upstream -1.38869 = 1.38869, y.grad now 1.38869
    >>> print(ex.chain("w[2]12", digits=6))
    dL/dw[2]12 = dL/dz[2] · dz[2]/ds[2] · ds[2]/dw[2]12 = (-1.38869) · (0.906574) · (0.604368) = -0.760866
    >>> ex.update()["w[2]12"]  # 0.35 - 0.1 · (-0.7608659278951793)
    0.4260865927895179

Names: x1, x2, y; the weights w[l]jk (unit k of layer l−1 to unit j of layer l); s[1]1, s[1]2,
z[1]1, z[1]2 (hidden linear parts and activations); s[2], z[2] = ŷ; L. The MLP names its own
s and z nodes. The products w·x and the difference ŷ − y are left unlabelled: they read as their
expressions (`w[2]12·z[1]2`, `z[2]-y`), names.py's one naming for every view.
"""

from __future__ import annotations

import math
from collections.abc import Iterator, Mapping, Sequence

from .backprop import BackwardStep, backward_order, backward_steps
from .engine import Value
from .explain import Explanation, explain
from .losses import squared_error
from .nn import MLP

DEFAULT_WEIGHTS: dict[str, float] = {
    "w[1]11": 0.25,
    "w[1]12": -0.40,
    "w[1]21": 0.60,
    "w[1]22": 0.10,
    "w[2]11": -0.70,
    "w[2]12": 0.35,
}
DEFAULTS: dict[str, float] = {"x1": 1.0, "x2": 1.0, "y": 1.0, "lr": 0.1, **DEFAULT_WEIGHTS}
WEIGHT_NAMES: tuple[str, ...] = tuple(DEFAULT_WEIGHTS)
FORWARD_NAMES: tuple[str, ...] = ("s[1]1", "s[1]2", "z[1]1", "z[1]2", "s[2]", "z[2]")


def _valid_names() -> str:
    return ", ".join(DEFAULTS)


def check_values(values: Mapping[str, object]) -> dict[str, float]:
    """The numbers in `values` as floats, or a ValueError naming the bad entry and the valid names."""
    out: dict[str, float] = {}
    for name, value in values.items():
        if name not in DEFAULTS:
            raise ValueError(f"unknown name {name!r}; valid names: {_valid_names()}")
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            raise ValueError(f"{name} must be a number, got {value!r}")
        number = float(value)
        if not math.isfinite(number):
            raise ValueError(f"{name} must be a finite number, got {number!r}")
        if name == "lr" and number <= 0.0:
            raise ValueError(f"lr must be > 0 (gradient descent steps downhill), got {number!r}")
        out[name] = number
    return out


def parse_assignments(items: Sequence[str]) -> dict[str, float]:
    """Parse ["w[2]12=0.3", "x1=2"] into {"w[2]12": 0.3, "x1": 2.0}; later items win.

    A ValueError names the bad item and lists the valid names.

    >>> parse_assignments(["w[2]12=0.3", "lr = 0.5"])
    {'w[2]12': 0.3, 'lr': 0.5}
    """
    values: dict[str, float] = {}
    for item in items:
        name, sep, text = item.partition("=")
        name = name.strip()
        if not sep:
            raise ValueError(f"{item!r} is not NAME=VALUE; valid names: {_valid_names()}")
        if name not in DEFAULTS:
            raise ValueError(f"unknown name {name!r} in {item!r}; valid names: {_valid_names()}")
        try:
            number = float(text)
        except ValueError:
            raise ValueError(
                f"{item!r}: {text.strip()!r} is not a number (NAME=VALUE, NAME one of {_valid_names()})"
            ) from None
        values.update(check_values({name: number}))
    return values


class WorkedExample:
    """The post's network on one sample, its loss, and the names of every node.

    `update()` does not change the model: it returns the weights one step would give, and
    `after_update()` builds the example again with them, so this object stays the "before" picture.
    `backward()` and `steps()` start every leaf's gradient from zero, so calling them again (or
    both) shows the same numbers instead of accumulating.
    """

    params: dict[str, float]
    model: MLP
    nodes: dict[str, Value]
    loss: Value

    def __init__(self, params: Mapping[str, float]) -> None:
        self.params = {name: float(params[name]) for name in DEFAULTS}
        self.model = MLP(2, [2, 1], activation="tanh", bias=False)
        self.model.load_state_dict({name: self.params[name] for name in WEIGHT_NAMES})
        weights = self.model.named_parameters()
        x1 = Value(self.params["x1"], "x1")
        x2 = Value(self.params["x2"], "x2")
        y = Value(self.params["y"], "y")
        z2 = self.model([x1, x2])
        assert isinstance(z2, Value)  # one output unit
        loss = squared_error(z2, y)  # L = (ŷ − y)²
        loss.label = "L"
        named = {node.label: node for node in backward_order(loss) if node.label}  # the MLP names s, z
        hidden = {name: named[name] for name in FORWARD_NAMES}
        self.nodes = {"x1": x1, "x2": x2, **weights, **hidden, "y": y, "L": loss}
        self.loss = loss

    @property
    def lr(self) -> float:
        return self.params["lr"]

    def forward(self) -> dict[str, float]:
        """s[1]1, s[1]2, z[1]1, z[1]2, s[2], z[2] (= ŷ) as floats."""
        return {name: self.nodes[name].data for name in FORWARD_NAMES}

    def _zero_leaves(self) -> None:
        for node in backward_order(self.loss):
            if node.is_leaf:
                node.grad = 0.0

    def backward(self) -> None:
        """`loss.backward()`, from zero gradients: fills dL/d(node) into every node's .grad."""
        self._zero_leaves()
        self.loss.backward()

    def steps(self) -> Iterator[BackwardStep]:
        """The backward pass one node at a time (`backward_steps` on the loss), from zero gradients.

        Running it to the end leaves exactly the gradients `backward()` leaves.
        """
        self._zero_leaves()
        yield from backward_steps(self.loss)

    def gradients(self) -> dict[str, float]:
        """dL/dw for the six weights (runs `backward()`)."""
        self.backward()
        return {name: self.nodes[name].grad for name in WEIGHT_NAMES}

    def update(self) -> dict[str, float]:
        """The six weights after one gradient-descent step, w − lr·dL/dw (the model is not changed)."""
        lr = self.lr
        return {name: self.params[name] - lr * grad for name, grad in self.gradients().items()}

    def after_update(self) -> WorkedExample:
        """The same example rebuilt with the weights `update()` returns."""
        return build({**self.params, **self.update()})

    def chain(self, param: str = "w[2]12", *, digits: int | None = None) -> Explanation:
        """The chain rule from L down to one weight, through the named nodes (runs `backward()`)."""
        if param not in WEIGHT_NAMES:
            raise ValueError(f"unknown weight {param!r}; valid weights: {', '.join(WEIGHT_NAMES)}")
        self.backward()
        return explain(self.loss, self.nodes[param], skip_unlabelled=True, digits=digits)

    def __repr__(self) -> str:
        changed = {k: v for k, v in self.params.items() if DEFAULTS[k] != v}
        return f"<WorkedExample L={self.loss.data!r} overrides={changed}>"


def build(overrides: Mapping[str, float] | None = None) -> WorkedExample:
    """The worked example with the defaults, or with some of the ten numbers overridden.

    ValueError for an unknown name, a value that is not a finite number, lr <= 0, or values so
    large that the forward pass overflows.
    """
    params = {**DEFAULTS, **check_values(dict(overrides or {}))}
    try:
        return WorkedExample(params)
    except ArithmeticError as error:
        raise ValueError(f"the forward pass fails with these values: {error}") from None
