"""`micrograd_like.expr` is `micrograd_like.core.expr` (moved; this path keeps working)."""

import sys

from .core import expr as _moved
from .core.expr import *  # noqa: F403  (what type checkers see)

sys.modules[__name__] = _moved
