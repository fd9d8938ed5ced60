"""`micrograd_like.names` is `micrograd_like.core.names` (moved; this path keeps working)."""

import sys

from .core import names as _moved
from .core.names import *  # noqa: F403  (what type checkers see)

sys.modules[__name__] = _moved
