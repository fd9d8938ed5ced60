"""micrograd_like: a scalar reverse-mode autodiff engine built to teach backpropagation.

>>> from micrograd_like import Value
>>> x = Value(0.5, "x")
>>> y = (2 * x).tanh()
>>> y.backward()
>>> round(x.grad, 6)
0.839949
"""

from .backward import BackwardStep, Edge, backward, backward_order, backward_steps
from .engine import Value, is_recording, no_grad
from .gradcheck import GradcheckError, gradcheck
from .rules import RULES, Rule

__all__ = [
    "RULES",
    "BackwardStep",
    "Edge",
    "GradcheckError",
    "Rule",
    "Value",
    "backward",
    "backward_order",
    "backward_steps",
    "gradcheck",
    "is_recording",
    "no_grad",
]
__version__ = "0.1.0"
