"""`micrograd_like.walkthrough` is `micrograd_like.post.walkthrough` (moved; this path keeps working)."""

import sys

from .post import walkthrough as _moved
from .post.walkthrough import *  # noqa: F403  (what type checkers see)

sys.modules[__name__] = _moved
