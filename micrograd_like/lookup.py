"""`micrograd_like.lookup` is `micrograd_like.show.lookup` (moved; this path keeps working)."""

import sys

from .show import lookup as _moved
from .show.lookup import *  # noqa: F403  (what type checkers see)

sys.modules[__name__] = _moved
