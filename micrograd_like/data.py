"""`micrograd_like.data` is `micrograd_like.learn.data` (moved; this path keeps working)."""

import sys

from .learn import data as _moved
from .learn.data import *  # noqa: F403  (what type checkers see)

sys.modules[__name__] = _moved
