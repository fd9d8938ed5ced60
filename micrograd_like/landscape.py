"""`micrograd_like.landscape` is `micrograd_like.post.landscape` (moved; this path keeps working)."""

import sys

from .post import landscape as _moved
from .post.landscape import *  # noqa: F403  (what type checkers see)

sys.modules[__name__] = _moved
