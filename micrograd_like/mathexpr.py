"""`micrograd_like.mathexpr` is `micrograd_like.core.mathexpr` (moved; this path keeps working)."""

import sys

from .core import mathexpr as _moved
from .core.mathexpr import *  # noqa: F403  (what type checkers see)

sys.modules[__name__] = _moved
