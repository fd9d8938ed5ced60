"""`micrograd_like.train` is `micrograd_like.training.fit` (moved; this path keeps working)."""

import sys

from .training import fit as _moved
from .training.fit import *  # noqa: F403  (what type checkers see)

sys.modules[__name__] = _moved
