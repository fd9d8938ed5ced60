"""`micrograd_like.diagnose` is `micrograd_like.post.diagnose` (moved; this path keeps working)."""

import sys

from .post import diagnose as _moved
from .post.diagnose import *  # noqa: F403  (what type checkers see)

sys.modules[__name__] = _moved
