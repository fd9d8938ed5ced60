"""`micrograd_like.engine` is `micrograd_like.core.engine` (moved; this path keeps working)."""

import sys

from .core import engine as _moved
from .core.engine import *  # noqa: F403  (what type checkers see)

sys.modules[__name__] = _moved
