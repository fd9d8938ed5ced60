"""The post's worked example as a walkthrough page, with the post's names and its naming note."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from ..post.example import build
from ..show.render import Renderer
from .document import WalkthroughPage, walkthrough_page

TITLE = "Gradient descent, feedforward and backpropagation, step by step: the post's worked example"
INTRO = (
    "Two inputs x1, x2, two tanh hidden units, one tanh output ŷ = z[2], no bias; target y; loss "
    "L = (ŷ − y)². s is a unit's linear part, z = tanh(s), and w[l]jk connects unit k of layer l−1 "
    "to unit j of layer l. Step the forward pass, then the backward pass; edit any number; take "
    "the step w ← w − α·dL/dw."
)
NAMING_NOTE = (
    "Naming note: the post says “in the weight w[2]12 is z[1]1”. Here w[l]jk connects unit k of layer "
    "l−1 to unit j of layer l, so s[2] = w[2]11·z[1]1 + w[2]12·z[1]2: w[2]12 multiplies z[1]2 and "
    "ds[2]/dw[2]12 = z[1]2. The weight on z[1]1 is w[2]11."
)


def worked_example_page(
    overrides: Mapping[str, float] | None = None,
    *,
    layouts: Sequence[str] = ("LR", "TB"),
    renderer: Renderer = "auto",
) -> WalkthroughPage:
    """The page for `example.build(overrides)` (x1, x2, y, lr and the six weights), α = its lr.

    >>> worked_example_page(renderer="embedded")  # doctest: +ELLIPSIS
    <WalkthroughPage "Gradient descent, feedforward and backpropagation, step by step: ...": 23 nodes, ... KB>
    """
    ex = build(overrides)
    ex.backward()  # the network view's edges carry dL/dw (the page itself starts from zero gradients)
    notes = {ex.nodes["w[2]12"]: NAMING_NOTE}
    return walkthrough_page(
        ex.loss,
        ex.lr,
        title=TITLE,
        intro=INTRO,
        notes=notes,
        layouts=layouts,
        renderer=renderer,
        network=ex.model,
    )
