"""`micrograd_like.backprop` is `micrograd_like.core.backprop` (moved; this path keeps working)."""

import sys

from .core import backprop as _moved
from .core.backprop import *  # noqa: F403  (what type checkers see)

sys.modules[__name__] = _moved
