"""`micrograd_like.render` is `micrograd_like.show.render` (moved; this path keeps working)."""

import sys

from .show import render as _moved
from .show.render import *  # noqa: F403  (what type checkers see)

sys.modules[__name__] = _moved
