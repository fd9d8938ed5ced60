"""micrograd_like: a scalar reverse-mode autodiff engine built to teach backpropagation.

>>> from micrograd_like import Value
>>> x = Value(0.5, "x")
>>> y = (2 * x).tanh()
>>> y.backward()
>>> round(x.grad, 6)
0.839949
"""

from .backprop import BackwardError, BackwardStep, Edge, backward, backward_order, backward_steps
from .compiler import CompiledBatch, CompiledGraph, compile_batch, compile_graph
from .engine import Value, apply, is_recording, no_grad
from .explain import Explanation, count_paths, explain
from .gradcheck import GradcheckError, gradcheck
from .nn import MLP, Layer, ModelFileError, Module, Neuron
from .optim import SGD, Adadelta, Adagrad, Adam, RMSProp
from .rules import RULES, Rule
from .train import fit
from .viz import draw_dot, write_frames

__all__ = [
    "MLP",
    "RULES",
    "SGD",
    "Adadelta",
    "Adagrad",
    "Adam",
    "BackwardError",
    "BackwardStep",
    "CompiledBatch",
    "CompiledGraph",
    "Edge",
    "Explanation",
    "GradcheckError",
    "Layer",
    "ModelFileError",
    "Module",
    "Neuron",
    "RMSProp",
    "Rule",
    "Value",
    "apply",
    "backward",
    "backward_order",
    "backward_steps",
    "compile_batch",
    "compile_graph",
    "count_paths",
    "draw_dot",
    "explain",
    "fit",
    "gradcheck",
    "is_recording",
    "no_grad",
    "write_frames",
]
__version__ = "0.1.0"
