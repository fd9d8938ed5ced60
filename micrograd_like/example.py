"""`micrograd_like.example` is `micrograd_like.post.example` (moved; this path keeps working)."""

import sys

from .post import example as _moved
from .post.example import *  # noqa: F403  (what type checkers see)

sys.modules[__name__] = _moved
