"""`micrograd_like.gradcheck` is `micrograd_like.core.gradcheck` (moved; this path keeps working)."""

import sys

from .core import gradcheck as _moved
from .core.gradcheck import *  # noqa: F403  (what type checkers see)

sys.modules[__name__] = _moved
