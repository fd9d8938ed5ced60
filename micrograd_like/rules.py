"""`micrograd_like.rules` is `micrograd_like.core.rules` (moved; this path keeps working)."""

import sys

from .core import rules as _moved
from .core.rules import *  # noqa: F403  (what type checkers see)

sys.modules[__name__] = _moved
