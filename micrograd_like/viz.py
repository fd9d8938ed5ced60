"""`micrograd_like.viz` is `micrograd_like.show.viz` (moved; this path keeps working)."""

import sys

from .show import viz as _moved
from .show.viz import *  # noqa: F403  (what type checkers see)

sys.modules[__name__] = _moved
