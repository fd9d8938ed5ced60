"""Neural networks on the engine: `Module`, `Neuron`, `Layer`, `MLP`, with the post's names.

Parameter names follow the post (weight-matrix convention, 1-based): `w[l]jk` connects unit k of
layer l-1 to unit j of layer l, and `b[l]j` is the bias of unit j in layer l. `named_parameters()`
lists them layer by layer, each layer's weights row by row (unit j, then input k) and then its
biases, the same order as PyTorch's `Linear.weight` followed by `Linear.bias`. In a layer with more
than 9 inputs or units, j and k are separated by a comma (`w[2]1,12`) so no two names collide.

    >>> net = MLP(2, [2, 1], activation="tanh", bias=False)
    >>> list(net.named_parameters())
    ['w[1]11', 'w[1]12', 'w[1]21', 'w[1]22', 'w[2]11', 'w[2]12']
    >>> net.load_state_dict({"w[1]11": 0.25, "w[1]12": -0.40, "w[1]21": 0.60, "w[1]22": 0.10,
    ...                      "w[2]11": -0.70, "w[2]12": 0.35})
    >>> y_hat = net([1.0, 1.0])  # one output unit: one Value, not a list
    >>> round(y_hat.data, 6)
    0.305657

A neuron computes s = w1·x1 + w2·x2 + ... (+ b) as a left fold from the first product (no `0 +`
node, no bias node without a bias), then z = activation(s) once; for "linear", z is s itself.
`MLP.save(path)` writes the architecture and the weights as JSON; `MLP.load(path)` reads them back.
"""

from __future__ import annotations

import math
import os
import random
from collections.abc import Callable, Iterator, Mapping, Sequence
from pathlib import Path
from typing import Any

from ..core.engine import Value
from ..util import checks
from ..util.messages import some
from . import model_file
from .model_file import FILE_FORMAT as FILE_FORMAT  # importable from nn as before the move
from .model_file import FILE_VERSION as FILE_VERSION
from .model_file import ModelFileError

Activation = Callable[[Value], Value]

# name -> what the neuron does to its linear part s ("linear" leaves s as it is)
ACTIVATIONS: dict[str, Activation | None] = {
    "tanh": Value.tanh,
    "relu": Value.relu,
    "sigmoid": Value.sigmoid,
    "linear": None,
}


def _activation(name: object, what: str = "activation") -> Activation | None:
    if not isinstance(name, str) or name not in ACTIVATIONS:
        raise ValueError(f"{what} must be one of {', '.join(ACTIVATIONS)}; got {name!r}")
    return ACTIVATIONS[name]


# --- parameter names: the one place that spells them --------------------------------------------


def _separator(nin: int, nout: int) -> str:
    return "," if nin > 9 or nout > 9 else ""  # w[2]1,11 vs w[2]11,1: "w[2]111" would be both


def _weight_name(layer: int, unit: int, k: int, sep: str) -> str:
    return f"w[{layer}]{unit}{sep}{k}"


def _bias_name(layer: int, unit: int) -> str:
    return f"b[{layer}]{unit}"


def parameter_names(nin: int, nouts: Sequence[int], *, bias: bool = True) -> Iterator[str]:
    """The names `MLP(nin, nouts, bias=bias)` gives its parameters, in order, without building it.

    >>> list(parameter_names(2, [1]))
    ['w[1]11', 'w[1]12', 'b[1]1']
    """
    sizes = _sizes(nin, nouts)
    bias = checks.flag("bias", bias)
    for layer in range(1, len(sizes)):
        n_in, n_out = sizes[layer - 1], sizes[layer]
        sep = _separator(n_in, n_out)
        for unit in range(1, n_out + 1):
            for k in range(1, n_in + 1):
                yield _weight_name(layer, unit, k, sep)
        if bias:
            for unit in range(1, n_out + 1):
                yield _bias_name(layer, unit)


def parameter_count(nin: int, nouts: Sequence[int], *, bias: bool = True) -> int:
    """How many parameters `MLP(nin, nouts, bias=bias)` has: Σ (inputs + bias) · units per layer."""
    sizes = _sizes(nin, nouts)
    bias = checks.flag("bias", bias)
    return sum((sizes[i - 1] + bias) * sizes[i] for i in range(1, len(sizes)))


def _sample(who: object, x: object, n: int) -> Sequence[Value | float]:
    """One sample: a list, tuple or 1-D array of n numbers (a dict or set would be read by keys)."""
    # lists and tuples (what the layers pass each other) skip the general check: this runs per layer
    sample = x if type(x) is list or type(x) is tuple else checks.sequence("a sample", x, f"{n} numbers")
    if len(sample) != n:
        raise ValueError(f"{who!r} expects {n} inputs, got {len(sample)}")
    return sample


def _rng(rng: object) -> random.Random:
    if rng is None:
        return random.Random()
    if not isinstance(rng, random.Random):
        raise TypeError(f"rng must be a random.Random or None, got {type(rng).__name__}")
    return rng


def _sizes(nin: object, nouts: object) -> list[int]:
    """[nin, *nouts] checked: plain ints >= 1, at least one layer."""
    if isinstance(nouts, (str, bytes, Mapping)) or not isinstance(nouts, (Sequence, Iterator)):
        raise TypeError(f"nouts must be a list of layer widths, got {checks.show(nouts)}")
    widths = list(nouts)
    if not widths:
        raise ValueError("an MLP needs at least one layer: nouts is empty")
    return [checks.integer("nin", nin, low=1)] + [
        checks.integer(f"nouts[{i}]", w, low=1) for i, w in enumerate(widths)
    ]


def _architecture(
    nin: object, nouts: object, activation: object, output_activation: object, bias: object
) -> dict[str, Any]:
    """The MLP constructor's shape arguments, checked and as plain Python values; builds nothing."""
    sizes = _sizes(nin, nouts)
    _activation(activation)
    if output_activation is not None:
        _activation(output_activation, "output_activation")
    return {
        "nin": sizes[0],
        "nouts": sizes[1:],
        "activation": activation,
        "output_activation": output_activation,
        "bias": checks.flag("bias", bias),
    }


class Module:
    """Something with named parameters: gradients to clear, weights to save and restore."""

    def named_parameters(self) -> dict[str, Value]:
        """Ordered name -> parameter `Value`."""
        return {}

    def parameters(self) -> list[Value]:
        return list(self.named_parameters().values())

    def zero_grad(self) -> None:
        """Set every parameter's gradient to 0 (backward() accumulates into leaves)."""
        for p in self.parameters():
            p.grad = 0.0

    def state_dict(self) -> dict[str, float]:
        """Ordered name -> current weight, as plain floats."""
        return {name: p.data for name, p in self.named_parameters().items()}

    def load_state_dict(self, state: Mapping[str, object]) -> None:
        """Set every parameter from `state`, all or nothing.

        `state` must name exactly this module's parameters, each with a finite real number;
        otherwise a ValueError/TypeError says what is missing, extra or wrong, and no weight changes.
        """
        if not isinstance(state, Mapping):
            raise TypeError(f"load_state_dict needs a mapping name -> number, got {type(state).__name__}")
        params = self.named_parameters()
        missing = [name for name in params if name not in state]
        extra = [str(name) for name in state if name not in params]
        if missing or extra:
            parts = []
            if missing:
                parts.append(f"missing {some(missing, limit=6)}")
            if extra:
                parts.append(f"unexpected {some(extra, limit=6)}")
            raise ValueError(f"state dict does not match {type(self).__name__}: {'; '.join(parts)}")
        values = {name: checks.real(f"state dict entry {name!r}", state[name]) for name in params}
        for name, p in params.items():  # everything checked: now change the weights
            p.data = values[name]


class Neuron(Module):
    """One unit: z = activation(w1·x1 + ... + wn·xn (+ b)).

    `layer` and `unit` (1-based) name the parameters, w[layer]{unit}{sep}{k} and b[layer]{unit}, and
    the nodes each call makes: s[layer]{unit} (the linear part) and z[layer]{unit} (its activation;
    without {unit} when `unit_names` is False, for a layer of one unit). A "linear" unit's output is s.
    """

    def __init__(
        self,
        nin: int,
        activation: str = "tanh",
        *,
        bias: bool = True,
        layer: int = 1,
        unit: int = 1,
        sep: str = "",
        unit_names: bool = True,
        rng: random.Random | None = None,
    ) -> None:
        nin = checks.integer("nin", nin, low=1)
        layer, unit = checks.integer("layer", layer, low=1), checks.integer("unit", unit, low=1)
        if not isinstance(sep, str):
            raise TypeError(f"sep must be a str, got {type(sep).__name__}")
        bias = checks.flag("bias", bias)
        self._act = _activation(activation)
        self.activation = activation
        rng = _rng(rng)
        # PyTorch's Linear default: U(-1/sqrt(nin), 1/sqrt(nin)) keeps s of order 1 for any width
        bound = 1.0 / math.sqrt(nin)
        self.w = [
            Value(rng.uniform(-bound, bound), _weight_name(layer, unit, k, sep), kind="parameter")
            for k in range(1, nin + 1)
        ]
        self.b = (
            Value(rng.uniform(-bound, bound), _bias_name(layer, unit), kind="parameter") if bias else None
        )
        # the network names its own nodes: s[l]j = the linear part, z[l]j = its activation
        # (the unit index is left out in a one-unit layer, as the post writes s[2] and z[2])
        where = f"{layer}]{unit}" if unit_names else f"{layer}]"
        self.s_label, self.z_label = f"s[{where}", f"z[{where}"

    @property
    def nin(self) -> int:
        return len(self.w)

    def __call__(self, x: Sequence[Value | float]) -> Value:
        w = self.w
        x = _sample(self, x, len(w))
        s = w[0] * x[0]  # left fold from the first product: w1*x1 + w2*x2 + ... (+ b)
        for i in range(1, len(w)):
            s = s + w[i] * x[i]
        if self.b is not None:
            s = s + self.b
        act = self._act
        s.label = self.s_label
        if act is None:
            return s
        z = act(s)
        z.label = self.z_label
        return z

    def named_parameters(self) -> dict[str, Value]:
        params = {p.label: p for p in self.w}
        if self.b is not None:
            params[self.b.label] = self.b
        return params

    def __repr__(self) -> str:
        return f"Neuron({self.nin}, activation={self.activation!r}, bias={self.b is not None})"


class Layer(Module):
    """`nout` neurons reading the same inputs; calling it always returns a list (one Value per unit)."""

    def __init__(
        self,
        nin: int,
        nout: int,
        activation: str = "tanh",
        *,
        bias: bool = True,
        index: int = 1,
        rng: random.Random | None = None,
    ) -> None:
        nin, nout = checks.integer("nin", nin, low=1), checks.integer("nout", nout, low=1)
        index = checks.integer("index", index, low=1)
        rng = _rng(rng)
        self.index = index
        self.activation = activation
        sep = _separator(nin, nout)
        self.neurons = [
            Neuron(nin, activation, bias=bias, layer=index, unit=j, sep=sep, unit_names=nout > 1, rng=rng)
            for j in range(1, nout + 1)
        ]

    def __call__(self, x: Sequence[Value | float]) -> list[Value]:
        x = _sample(self, x, self.neurons[0].nin)
        return [n(x) for n in self.neurons]

    def named_parameters(self) -> dict[str, Value]:
        # weights row by row (unit j, input k), then the biases: PyTorch's weight-then-bias order
        params = {p.label: p for n in self.neurons for p in n.w}
        params.update((n.b.label, n.b) for n in self.neurons if n.b is not None)
        return params

    def __repr__(self) -> str:
        n = self.neurons[0]
        return f"Layer({n.nin}, {len(self.neurons)}, activation={self.activation!r}, bias={n.b is not None})"


class MLP(Module):
    """A multi-layer perceptron: `nin` inputs, then one `Layer` per entry of `nouts`.

    `activation` applies to every layer, except the last when `output_activation` names another
    (e.g. activation="relu", output_activation="linear" for a classifier scored by logits).
    `seed` makes the initial weights reproducible. Calling the network on one sample returns one
    `Value` when the last layer has one unit, else a list; `outputs(x)` always returns a list.
    """

    def __init__(
        self,
        nin: int,
        nouts: Sequence[int],
        activation: str = "tanh",
        output_activation: str | None = None,
        bias: bool = True,
        seed: int | None = None,
    ) -> None:
        arch = _architecture(nin, nouts, activation, output_activation, bias)
        self.nin: int = arch["nin"]
        self.nouts: list[int] = arch["nouts"]
        self.bias: bool = arch["bias"]
        self.activation = activation
        self.output_activation = output_activation
        self.seed = checks.optional_integer("seed", seed)
        rng = random.Random(self.seed)
        sizes = [self.nin, *self.nouts]
        last = len(self.nouts)
        self.layers = [
            Layer(
                sizes[i - 1],
                sizes[i],
                output_activation if (i == last and output_activation is not None) else activation,
                bias=self.bias,
                index=i,
                rng=rng,
            )
            for i in range(1, last + 1)
        ]

    def outputs(self, x: Sequence[Value | float]) -> list[Value]:
        """The last layer's units for one sample (a list, tuple or 1-D array), always as a list."""
        x = _sample(self, x, self.nin)
        # plain numbers become one leaf each, shared by every first-layer neuron
        h: list[Value] = [xi if isinstance(xi, Value) else Value(xi) for xi in x]
        for layer in self.layers:
            h = layer(h)
        return h

    def __call__(self, x: Sequence[Value | float]) -> Value | list[Value]:
        out = self.outputs(x)
        return out[0] if len(out) == 1 else out

    def named_parameters(self) -> dict[str, Value]:
        params: dict[str, Value] = {}
        for layer in self.layers:
            params.update(layer.named_parameters())
        return params

    def architecture(self) -> dict[str, Any]:
        """The constructor arguments (JSON-ready) that rebuild this network's shape."""
        return {
            "nin": self.nin,
            "nouts": list(self.nouts),
            "activation": self.activation,
            "output_activation": self.output_activation,
            "bias": self.bias,
        }

    def __repr__(self) -> str:
        out = f", output_activation={self.output_activation!r}" if self.output_activation else ""
        return f"MLP({self.nin}, {self.nouts}, activation={self.activation!r}{out}, bias={self.bias})"

    # --- files (the format: model_file) ----------------------------------------------------------

    def save(self, path: str | os.PathLike[str]) -> None:
        """Write the architecture and weights as JSON, atomically (`model_file.write`): a crash
        never leaves half a file; a weight that is inf or NaN, or a path that is not a regular
        file, is refused."""
        model_file.write(Path(path), self.architecture(), self.state_dict())

    @classmethod
    def load(cls, path: str | os.PathLike[str]) -> MLP:
        """Rebuild a network saved by `save`; ModelFileError names the file and what is wrong.

        The whole file is checked before anything is built: the architecture's types and sizes,
        exactly the parameter names it implies (counted first, so a small file cannot claim a huge
        network), and every weight a finite number. A missing file is a FileNotFoundError.
        """
        path = Path(path)
        arch, state = model_file.read(path)
        try:
            checked = _architecture(**arch)
            weights = _check_state(checked, state)
        except (TypeError, ValueError) as error:
            raise ModelFileError(f"{path}: {error}") from None
        model = cls(**checked)
        model.load_state_dict(weights)
        return model


def _check_state(arch: dict[str, Any], state: dict[str, object]) -> dict[str, float]:
    """The weights the architecture needs, as floats: exactly its parameter names, each finite."""
    nin, nouts, bias = arch["nin"], arch["nouts"], arch["bias"]
    count = parameter_count(nin, nouts, bias=bias)
    if count != len(state) and count > 2 * len(state) + 1000:  # naming them all would cost more than the file
        raise ValueError(
            f"the architecture has {_count(count)} parameters but the state dict has {len(state):,} entries"
        )
    names = list(parameter_names(nin, nouts, bias=bias))
    expected = set(names)
    missing = [name for name in names if name not in state]
    extra = [str(name) for name in state if name not in expected]
    if missing or extra:
        parts = [f"missing {some(missing, limit=6)}"] if missing else []
        parts += [f"unexpected {some(extra, limit=6)}"] if extra else []
        raise ValueError(f"state dict does not match the architecture: {'; '.join(parts)}")
    return {name: checks.real(f"state dict entry {name!r}", state[name]) for name in names}


def _count(n: int) -> str:
    """12,345 or, for numbers too long to print, about 10^400."""
    if n < 10**15:
        return f"{n:,}"
    return f"about 10^{int(n.bit_length() * math.log10(2))}"
