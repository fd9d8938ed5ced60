"""`micrograd_like.losses` is `micrograd_like.learn.losses` (moved; this path keeps working)."""

import sys

from .learn import losses as _moved
from .learn.losses import *  # noqa: F403  (what type checkers see)

sys.modules[__name__] = _moved
