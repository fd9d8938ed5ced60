"""`micrograd_like.network_view` is `micrograd_like.show.network_view` (moved; this path keeps working)."""

import sys

from .show import network_view as _moved
from .show.network_view import *  # noqa: F403  (what type checkers see)

sys.modules[__name__] = _moved
