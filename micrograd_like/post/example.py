"""The post's worked example, built on `nn.MLP`, with every node named as the post names it.

Two inputs, two tanh hidden units, one tanh output, no bias; x1 = x2 = 1, target y = 1; loss
L = (ŷ − y)²; one gradient-descent step w ← w − α·dL/dw with α = 0.1. The weights are the
project's documented defaults (the post's figures are lost); override any of the ten numbers.
`build(bias=True)` adds the biases the post sets to zero (b[1]1, b[1]2, b[2]1, 0 unless set).

    >>> ex = build()
    >>> ex.nodes["z[2]"].data, ex.loss.data  # ŷ and L
    (0.3056574190333423, 0.4821116197434396)
    >>> print(*ex.forward_steps(), sep="\\n")  # the forward pass, one named node at a time
    s[1]1 = w[1]11·x1+w[1]12·x2 = 0.25·1+(-0.4)·1 = -0.15
    s[1]2 = w[1]21·x1+w[1]22·x2 = 0.6·1+0.1·1 = 0.7
    z[1]1 = tanh(s[1]1) = tanh(-0.15) = -0.148885
    z[1]2 = tanh(s[1]2) = tanh(0.7) = 0.604368
    s[2] = w[2]11·z[1]1+w[2]12·z[1]2 = (-0.7)·(-0.148885)+0.35·0.604368 = 0.315748
    z[2] = tanh(s[2]) = tanh(0.315748) = 0.305657
    L = (z[2]-y)² = (0.305657-1)² = 0.482112
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
    >>> fd = ex.finite_difference("w[2]12")  # the check a learner can do by hand
    >>> fd.h, round(fd.estimate, 9)
    (1e-06, -0.760865928)

Names: x1, x2, y; the weights w[l]jk (unit k of layer l−1 to unit j of layer l); s[1]1, s[1]2,
z[1]1, z[1]2 (hidden linear parts and activations); s[2], z[2] = ŷ; L. The MLP names its own
s and z nodes. The products w·x and the difference ŷ − y are left unlabelled: they read as their
expressions (`w[2]12·z[1]2`, `z[2]-y`), names.py's one naming for every view.

`WorkedExample.of(model, x, y)` makes the same walkthrough-ready object for any `MLP` (e.g. a
3-3-2-1 network): everything here reads the network's structure, not the post's names.
"""

from __future__ import annotations

import math
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from ..core.backprop import BackwardStep, StaleStepsError, backward_steps, gradients
from ..core.engine import Value, is_recording
from ..core.order import backward_order
from ..core.story import ForwardStep, forward_steps
from ..learn.losses import squared_error
from ..learn.modules import MLP
from ..show.explain import Explanation, explain
from ..util.numbers import parse_name_values

DEFAULT_WEIGHTS: dict[str, float] = {
    "w[1]11": 0.25,
    "w[1]12": -0.40,
    "w[1]21": 0.60,
    "w[1]22": 0.10,
    "w[2]11": -0.70,
    "w[2]12": 0.35,
}
DEFAULT_BIASES: dict[str, float] = {"b[1]1": 0.0, "b[1]2": 0.0, "b[2]1": 0.0}  # the post sets b to 0
DEFAULTS: dict[str, float] = {"x1": 1.0, "x2": 1.0, "y": 1.0, "lr": 0.1, **DEFAULT_WEIGHTS}
WEIGHT_NAMES: tuple[str, ...] = tuple(DEFAULT_WEIGHTS)
BIAS_NAMES: tuple[str, ...] = tuple(DEFAULT_BIASES)
FORWARD_NAMES: tuple[str, ...] = ("s[1]1", "s[1]2", "z[1]1", "z[1]2", "s[2]", "z[2]")
POST_NETWORK: dict[str, Any] = {
    "nin": 2,
    "nouts": [2, 1],
    "activation": "tanh",
    "output_activation": None,
    "bias": False,
}
FD_STEP = 1e-6  # h of the finite-difference check: small against the weights, large against rounding


def defaults(bias: bool = False) -> dict[str, float]:
    """The ten numbers of the worked example (thirteen with the biases, all 0)."""
    return {**DEFAULTS, **(DEFAULT_BIASES if bias else {})}


def _valid_names(bias: bool) -> str:
    return ", ".join(defaults(bias))


def _unknown(name: str, bias: bool, where: str = "") -> ValueError:
    if name in DEFAULT_BIASES and not bias:
        return ValueError(
            f"{name} is a bias, and the post's network has none: add the biases with --bias "
            "(build(..., bias=True)), then set it"
        )
    return ValueError(f"unknown name {name!r}{where}; valid names: {_valid_names(bias)}")


def check_values(values: Mapping[str, object], *, bias: bool = False) -> dict[str, float]:
    """The numbers in `values` as floats, or a ValueError naming the bad entry and the valid names."""
    out: dict[str, float] = {}
    valid = defaults(bias)
    for name, value in values.items():
        if name not in valid:
            raise _unknown(name, bias)
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            raise ValueError(f"{name} must be a number, got {value!r}")
        number = float(value)
        if not math.isfinite(number):
            raise ValueError(f"{name} must be a finite number, got {number!r}")
        if name == "lr" and number <= 0.0:
            raise ValueError(f"lr must be > 0 (gradient descent steps downhill), got {number!r}")
        out[name] = number
    return out


def parse_assignments(items: Sequence[str], *, bias: bool = False) -> dict[str, float]:
    """Parse ["w[2]12=0.3", "x1=2"] into {"w[2]12": 0.3, "x1": 2.0}; later items win.

    A ValueError names the bad item and lists the valid names.

    >>> parse_assignments(["w[2]12=0.3", "lr = 0.5"])
    {'w[2]12': 0.3, 'lr': 0.5}
    """

    def known(name: str) -> str:
        if name not in defaults(bias):
            raise _unknown(name, bias)
        return name

    values = parse_name_values(items, known, hint=f"valid names: {_valid_names(bias)}")
    return check_values(values, bias=bias)


@dataclass(frozen=True)
class FiniteDifference:
    """The central difference (L(w+h) − L(w−h)) / 2h: dL/dw estimated by two forward passes."""

    name: str
    h: float
    plus: float  # L with the parameter moved up by h
    minus: float  # ... and down by h
    estimate: float


class WorkedExample:
    """The post's network (or any MLP) on one sample, its loss, and the names of every node.

    `params` holds the inputs x1..xn, the target y, the learning rate lr and every parameter.
    `update()` does not change the model: it returns the parameters one step would give, and
    `after_update()` builds the example again with them, so this object stays the "before" picture.
    `backward()` and `steps()` start every leaf's gradient from zero, so calling them again (or
    both) shows the same numbers instead of accumulating. They are the only methods that write
    `.grad`: `gradients()`, `chain()`, `update()`, `finite_difference()` compute on the side, so
    they can be called between two steps without changing what the steps show.
    """

    params: dict[str, float]
    model: MLP
    nodes: dict[str, Value]
    loss: Value
    output: Value  # ŷ: the network's output node (z[2] in the post)
    target: Value  # y
    inputs: tuple[str, ...]  # x1, x2, ...

    def __init__(self, params: Mapping[str, float], *, network: Mapping[str, Any] | None = None) -> None:
        self.network = dict(POST_NETWORK if network is None else network)
        self.model = MLP(**self.network)
        if self.model.nouts[-1] != 1:
            raise ValueError(f"a worked example has one output unit; this network has {self.model.nouts[-1]}")
        self.inputs = tuple(f"x{k}" for k in range(1, self.model.nin + 1))
        names = [*self.inputs, "y", "lr", *self.model.named_parameters()]
        missing = [name for name in names if name not in params]
        if missing:
            raise ValueError(f"the worked example needs a value for {', '.join(missing)}")
        self.params = {name: float(params[name]) for name in names}
        self.model.load_state_dict({name: self.params[name] for name in self.model.named_parameters()})
        xs = [Value(self.params[name], name) for name in self.inputs]
        y = Value(self.params["y"], "y")
        (out,) = self.model.outputs(xs)
        loss = squared_error(out, y)  # L = (ŷ − y)²
        loss.label = "L"
        named = {node.label: node for node in backward_order(loss) if node.label}  # the MLP names s, z
        hidden = {name: named[name] for name in self.forward_names}
        self.nodes = {
            **dict(zip(self.inputs, xs)),
            **self.model.named_parameters(),
            **hidden,
            "y": y,
            "L": loss,
        }
        self.loss, self.output, self.target = loss, out, y

    @classmethod
    def of(cls, model: MLP, x: Sequence[float], y: float, lr: float = 0.1) -> WorkedExample:
        """The worked example of `model` (any MLP with one output) on the sample x, target y."""
        params = {f"x{k}": float(v) for k, v in enumerate(x, 1)}
        params.update(y=float(y), lr=float(lr), **model.state_dict())
        return cls(params, network=model.architecture())

    @property
    def lr(self) -> float:
        return self.params["lr"]

    @property
    def bias(self) -> bool:
        return bool(self.network["bias"])

    @property
    def parameter_names(self) -> tuple[str, ...]:
        """The weights, then the biases, layer by layer (the MLP's order)."""
        return tuple(self.model.named_parameters())

    @property
    def forward_names(self) -> tuple[str, ...]:
        """The named nodes of the forward pass, layer by layer: the linear parts s, then the z."""
        names: list[str] = []
        for layer in self.model.layers:
            names += [n.s_label for n in layer.neurons]
            names += [n.z_label for n in layer.neurons if n.activation != "linear"]
        return tuple(names)

    def with_params(self, changes: Mapping[str, float]) -> WorkedExample:
        """The same network built again with some numbers changed."""
        return WorkedExample({**self.params, **changes}, network=self.network)

    def forward(self) -> dict[str, float]:
        """Every s and z of the forward pass (the last z is ŷ) as floats."""
        return {name: self.nodes[name].data for name in self.forward_names}

    def _zero_leaves(self) -> None:
        for node in backward_order(self.loss):
            if node.is_leaf:
                node.grad = 0.0

    def backward(self) -> None:
        """`loss.backward()`, from zero gradients: fills dL/d(node) into every node's .grad."""
        self._zero_leaves()
        self.loss.backward()

    def forward_steps(self, *, digits: int | None = 6) -> Iterator[ForwardStep]:
        """The forward pass one named node at a time, in the post's order (s[1]1, s[1]2, z[1]1, z[1]2,
        s[2], z[2], L): each a formula over names, then over numbers, then its value
        (`story.forward_steps`; numbers to `digits` significant digits, None: exact). It reads
        the values the graph holds and writes nothing.

        `steps()` stays the backward pass alone (its users count backward steps): a walk through
        both passes is `forward_steps()` then `steps()`, as `micrograd-like example --step` does."""
        return forward_steps(self.loss, digits=digits)

    def steps(self) -> Iterator[BackwardStep]:
        """The backward pass one node at a time (`backward_steps` on the loss), from zero gradients.

        Running it to the end leaves exactly the gradients `backward()` leaves. Between steps,
        anything that only explains (`chain`, `gradients`, `update`, `explain`, `grad`, drawings)
        can be called. If `backward()`, another `steps()` or an assignment changes a gradient
        these steps still need, the next step raises `StaleStepsError`: "the gradients changed
        since these steps began: call ex.steps() again". (A change only to gradients the steps
        are done with is kept: see `backward_steps`.)
        """
        self._zero_leaves()
        try:
            yield from backward_steps(self.loss)
        except StaleStepsError as error:
            detail = str(error).rsplit(": call ", 1)[0]
            raise StaleStepsError(f"{detail}: call ex.steps() again") from None

    def gradients(self) -> dict[str, float]:
        """dL/dp for every parameter: the numbers `backward()` fills in, computed on the side
        (`backprop.gradients`), so no `.grad` changes."""
        names = self.parameter_names
        return dict(zip(names, gradients(self.loss, [self.nodes[name] for name in names])))

    def update(self) -> dict[str, float]:
        """Every parameter after one gradient-descent step, p − lr·dL/dp (the model is not changed)."""
        lr = self.lr
        return {name: self.params[name] - lr * grad for name, grad in self.gradients().items()}

    def after_update(self) -> WorkedExample:
        """The same example rebuilt with the parameters `update()` returns."""
        try:
            return self.with_params(self.update())
        except ArithmeticError as error:
            raise ValueError(f"the forward pass after the step fails: {error}") from None

    def finite_difference(self, name: str, h: float = FD_STEP) -> FiniteDifference:
        """(L(p+h) − L(p−h)) / 2h for one parameter: two forward passes, no backward."""
        self._check_param(name)
        p = self.params[name]
        plus = self.with_params({name: p + h}).loss.data
        minus = self.with_params({name: p - h}).loss.data
        return FiniteDifference(name, h, plus, minus, (plus - minus) / (2 * h))

    def chain(self, param: str = "w[2]12", *, digits: int | None = None) -> Explanation:
        """The chain rule from L down to one parameter, through the named nodes (no `.grad` changes)."""
        self._check_param(param)
        return explain(self.loss, self.nodes[param], skip_unlabelled=True, digits=digits)

    def _check_param(self, name: str) -> None:
        if name not in self.parameter_names:
            kind = "parameters" if self.bias else "weights"
            raise ValueError(f"unknown weight {name!r}; valid {kind}: {', '.join(self.parameter_names)}")

    def __repr__(self) -> str:
        base = defaults(self.bias) if self.network == {**POST_NETWORK, "bias": self.bias} else {}
        changed = {k: v for k, v in self.params.items() if base.get(k) != v}
        return f"<WorkedExample L={self.loss.data!r} overrides={changed}>"


def build(overrides: Mapping[str, float] | None = None, *, bias: bool = False) -> WorkedExample:
    """The worked example with the defaults, or with some of the ten numbers overridden.

    bias=True adds b[1]1, b[1]2, b[2]1 (0 unless overridden). ValueError for an unknown name, a
    value that is not a finite number, lr <= 0, or values so large that the forward pass overflows.
    """
    if not is_recording():
        raise RuntimeError(
            "the worked example is a graph to step through, and inside no_grad() no graph is recorded: "
            "call build() outside the no_grad() block"
        )
    params = {**defaults(bias), **check_values(dict(overrides or {}), bias=bias)}
    try:
        return WorkedExample(params, network={**POST_NETWORK, "bias": bias})
    except ArithmeticError as error:
        raise ValueError(f"the forward pass fails with these values: {error}") from None
