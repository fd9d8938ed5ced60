"""`micrograd_like.descent` is `micrograd_like.post.descent` (moved; this path keeps working)."""

import sys

from .post import descent as _moved
from .post.descent import *  # noqa: F403  (what type checkers see)

sys.modules[__name__] = _moved
