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

import contextlib
import json
import math
import numbers
import os
import random
import tempfile
from collections.abc import Callable, Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any

from .engine import Value

Activation = Callable[[Value], Value]

# name -> what the neuron does to its linear part s ("linear" leaves s as it is)
ACTIVATIONS: dict[str, Activation | None] = {
    "tanh": Value.tanh,
    "relu": Value.relu,
    "sigmoid": Value.sigmoid,
    "linear": None,
}

FILE_FORMAT = "micrograd_like.MLP"
FILE_VERSION = 1


class ModelFileError(ValueError):
    """A model file that cannot be loaded: the message names the file and the problem."""


def _activation(name: str, what: str = "activation") -> Activation | None:
    if not isinstance(name, str) or name not in ACTIVATIONS:
        raise ValueError(f"{what} must be one of {', '.join(ACTIVATIONS)}; got {name!r}")
    return ACTIVATIONS[name]


def _some(names: list[str], limit: int = 6) -> str:
    """'a, b, c' or, for long lists, 'a, b, c, ... (40 more)': errors stay one readable line."""
    shown = ", ".join(names[:limit])
    return shown if len(names) <= limit else f"{shown}, ... ({len(names) - limit} more)"


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
                parts.append(f"missing {_some(missing)}")
            if extra:
                parts.append(f"unexpected {_some(extra)}")
            raise ValueError(f"state dict does not match {type(self).__name__}: {'; '.join(parts)}")
        values: dict[str, float] = {}
        for name in params:
            number = state[name]
            if isinstance(number, bool) or not isinstance(number, numbers.Real):
                raise TypeError(f"state dict entry {name!r} must be a number, got {number!r}")
            value = float(number)
            if not math.isfinite(value):
                raise ValueError(f"state dict entry {name!r} must be finite, got {value!r}")
            values[name] = value
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
        if not isinstance(nin, int) or isinstance(nin, bool) or nin < 1:
            raise ValueError(f"a neuron needs at least one input, got nin={nin!r}")
        self._act = _activation(activation)
        self.activation = activation
        rng = rng if rng is not None else random.Random()
        # PyTorch's Linear default: U(-1/sqrt(nin), 1/sqrt(nin)) keeps s of order 1 for any width
        bound = 1.0 / math.sqrt(nin)
        self.w = [
            Value(rng.uniform(-bound, bound), f"w[{layer}]{unit}{sep}{k}", kind="parameter")
            for k in range(1, nin + 1)
        ]
        self.b = Value(rng.uniform(-bound, bound), f"b[{layer}]{unit}", kind="parameter") if bias else None
        # the network names its own nodes: s[l]j = the linear part, z[l]j = its activation
        # (the unit index is left out in a one-unit layer, as the post writes s[2] and z[2])
        where = f"{layer}]{unit}" if unit_names else f"{layer}]"
        self.s_label, self.z_label = f"s[{where}", f"z[{where}"

    @property
    def nin(self) -> int:
        return len(self.w)

    def __call__(self, x: Sequence[Value | float]) -> Value:
        w = self.w
        if len(x) != len(w):
            raise ValueError(f"{self!r} expects {len(w)} inputs, got {len(x)}")
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
        if not isinstance(nout, int) or isinstance(nout, bool) or nout < 1:
            raise ValueError(f"a layer needs at least one unit, got nout={nout!r}")
        rng = rng if rng is not None else random.Random()
        self.index = index
        self.activation = activation
        sep = "," if nin > 9 or nout > 9 else ""  # w[2]1,11 vs w[2]11,1: "w[2]111" would be both
        self.neurons = [
            Neuron(nin, activation, bias=bias, layer=index, unit=j, sep=sep, unit_names=nout > 1, rng=rng)
            for j in range(1, nout + 1)
        ]

    def __call__(self, x: Sequence[Value | float]) -> list[Value]:
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
        if not isinstance(nin, int) or isinstance(nin, bool) or nin < 1:
            raise ValueError(f"an MLP needs at least one input, got nin={nin!r}")
        if isinstance(nouts, (str, bytes)) or not isinstance(nouts, Iterable):
            raise TypeError(f"nouts must be a list of layer widths, got {nouts!r}")
        nouts = list(nouts)
        if not nouts:
            raise ValueError("an MLP needs at least one layer: nouts is empty")
        _activation(activation)
        if output_activation is not None:
            _activation(output_activation, "output_activation")
        self.nin = nin
        self.nouts = nouts
        self.activation = activation
        self.output_activation = output_activation
        self.bias = bias
        self.seed = seed
        rng = random.Random(seed)
        sizes = [nin, *nouts]
        last = len(nouts)
        self.layers = [
            Layer(
                sizes[i - 1],
                sizes[i],
                output_activation if (i == last and output_activation is not None) else activation,
                bias=bias,
                index=i,
                rng=rng,
            )
            for i in range(1, last + 1)
        ]

    def outputs(self, x: Sequence[Value | float]) -> list[Value]:
        """The last layer's units for one sample, always as a list."""
        if len(x) != self.nin:
            raise ValueError(f"{self!r} expects {self.nin} inputs, got {len(x)}")
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

    # --- files ----------------------------------------------------------------------------------

    def save(self, path: str | os.PathLike[str]) -> None:
        """Write the architecture and weights as JSON, atomically (a crash never leaves half a file).

        The text goes to a temporary file in the same folder, is flushed to disk, and then replaces
        `path` in one rename.
        """
        path = Path(path)
        doc = {
            "format": FILE_FORMAT,
            "version": FILE_VERSION,
            "architecture": self.architecture(),
            "state_dict": self.state_dict(),
        }
        text = json.dumps(doc, indent=2) + "\n"
        folder = path.parent if str(path.parent) else Path(".")
        fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=folder)
        try:
            with os.fdopen(fd, "w", encoding="utf-8") as f:
                f.write(text)
                f.flush()
                os.fsync(f.fileno())
            os.replace(tmp, path)
        except BaseException:
            with contextlib.suppress(OSError):
                os.unlink(tmp)
            raise

    @classmethod
    def load(cls, path: str | os.PathLike[str]) -> MLP:
        """Rebuild a network saved by `save`; ModelFileError names the file and what is wrong."""
        path = Path(path)
        try:
            text = path.read_text(encoding="utf-8")
        except UnicodeDecodeError as error:
            raise ModelFileError(f"{path}: not a text file ({error.reason})") from None
        try:
            doc = json.loads(text)
        except json.JSONDecodeError as error:
            raise ModelFileError(f"{path}: not valid JSON (truncated or corrupt?): {error}") from None
        if not isinstance(doc, dict) or doc.get("format") != FILE_FORMAT:
            raise ModelFileError(f"{path}: not a micrograd_like model file (no format {FILE_FORMAT!r})")
        if doc.get("version") != FILE_VERSION:
            raise ModelFileError(f"{path}: unsupported model file version {doc.get('version')!r}")
        arch, state = doc.get("architecture"), doc.get("state_dict")
        if not isinstance(arch, dict) or not isinstance(state, dict):
            raise ModelFileError(f"{path}: 'architecture' and 'state_dict' must both be JSON objects")
        known = {"nin", "nouts", "activation", "output_activation", "bias"}
        if set(arch) != known:
            raise ModelFileError(
                f"{path}: architecture must have exactly {sorted(known)}, got {sorted(arch)}"
            )
        try:
            model = cls(**arch)
            model.load_state_dict(state)
        except (TypeError, ValueError) as error:
            raise ModelFileError(f"{path}: {error}") from None
        return model
