"""`micrograd_like.nn` is `micrograd_like.learn.modules` (moved; this path keeps working)."""

import sys

from .learn import modules as _moved
from .learn.modules import *  # noqa: F403  (what type checkers see)

sys.modules[__name__] = _moved
