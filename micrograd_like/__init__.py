"""micrograd_like: a scalar reverse-mode autodiff engine built to teach backpropagation.

>>> from micrograd_like import Value
>>> x = Value(0.5, "x")
>>> y = (2 * x).tanh()
>>> y.backward()
>>> round(x.grad, 6)
0.839949

The namespace holds the public API only (`__all__`, which `dir()` lists); the submodules
(`micrograd_like.data`, `.nn`, `.optim`, `.train`, ...) are imported by name.
"""

from typing import TYPE_CHECKING

from .core.backprop import BackwardError, BackwardStep, Edge, StaleStepsError, backward, backward_steps
from .core.engine import Value, apply, is_recording, no_grad
from .core.expr import parse_expression
from .core.higher import grad, hessian
from .core.order import backward_order
from .core.rules import RULES, Rule

# Four functions share their name with a module (`micrograd_like.explain` ...): imported through
# the module's old flat path, which loads that path first, so the package's name ends up holding
# the function (`render(draw_dot(y), "y.svg")`) while `import micrograd_like.render` still works.
from .explain import Explanation, count_paths, explain
from .gradcheck import GradcheckError, gradcheck
from .landscape import landscape
from .learn.modules import MLP, Layer, ModelFileError, Module, Neuron
from .learn.optim import PRESETS, SGD, Adadelta, Adagrad, Adam, DivergenceError, RMSProp
from .render import render
from .show.network_view import draw_network
from .show.textview import text_graph
from .show.viz import draw_dot, write_frames
from .training.fit import TrainingDivergedError, fit
from .util.version import VERSION as __version__  # noqa: F401  (dir() lists it beside __all__)

if TYPE_CHECKING:
    from .compiler import CompiledBatch, CompiledGraph, compile_batch, compile_graph
    from .page import WalkthroughPage, walkthrough_page

# The compiler and the page load on first use: most programs (and every CLI command but `html`)
# never need them, and importing them costs about 100 ms.
_LAZY = {
    "CompiledBatch": "compiler",
    "CompiledGraph": "compiler",
    "compile_batch": "compiler",
    "compile_graph": "compiler",
    "WalkthroughPage": "page",
    "walkthrough_page": "page",
}


def __getattr__(name: str) -> object:
    if name in _LAZY:
        import importlib  # here, not at the top: the package's namespace holds its API only

        value = getattr(importlib.import_module(f".{_LAZY[name]}", __name__), name)
        globals()[name] = value  # found once, then a plain attribute
        return value
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted([*__all__, "__version__"])


__all__ = [
    "MLP",
    "PRESETS",
    "RULES",
    "SGD",
    "Adadelta",
    "Adagrad",
    "Adam",
    "BackwardError",
    "BackwardStep",
    "CompiledBatch",
    "CompiledGraph",
    "DivergenceError",
    "Edge",
    "Explanation",
    "GradcheckError",
    "Layer",
    "ModelFileError",
    "Module",
    "Neuron",
    "RMSProp",
    "Rule",
    "StaleStepsError",
    "TrainingDivergedError",
    "Value",
    "WalkthroughPage",
    "apply",
    "backward",
    "backward_order",
    "backward_steps",
    "compile_batch",
    "compile_graph",
    "count_paths",
    "draw_dot",
    "draw_network",
    "explain",
    "fit",
    "grad",
    "gradcheck",
    "hessian",
    "is_recording",
    "landscape",
    "no_grad",
    "parse_expression",
    "render",
    "text_graph",
    "walkthrough_page",
    "write_frames",
]


del TYPE_CHECKING  # needed only above, by the type checker
