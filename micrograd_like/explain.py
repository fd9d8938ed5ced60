"""`micrograd_like.explain` is `micrograd_like.show.explain` (moved; this path keeps working)."""

import sys

from .show import explain as _moved
from .show.explain import *  # noqa: F403  (what type checkers see)

sys.modules[__name__] = _moved
