"""`micrograd_like.higher` is `micrograd_like.core.higher` (moved; this path keeps working)."""

import sys

from .core import higher as _moved
from .core.higher import *  # noqa: F403  (what type checkers see)

sys.modules[__name__] = _moved
