"""`micrograd_like.textview` is `micrograd_like.show.textview` (moved; this path keeps working)."""

import sys

from .show import textview as _moved
from .show.textview import *  # noqa: F403  (what type checkers see)

sys.modules[__name__] = _moved
