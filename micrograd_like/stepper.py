"""`micrograd_like.stepper` is `micrograd_like.post.stepper` (moved; this path keeps working)."""

import sys

from .post import stepper as _moved
from .post.stepper import *  # noqa: F403  (what type checkers see)

sys.modules[__name__] = _moved
