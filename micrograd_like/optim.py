"""`micrograd_like.optim` is `micrograd_like.learn.optim` (moved; this path keeps working)."""

import sys

from .learn import optim as _moved
from .learn.optim import *  # noqa: F403  (what type checkers see)

sys.modules[__name__] = _moved
