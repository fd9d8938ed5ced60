"""The interactive walkthrough page: one offline HTML file that steps backprop through a graph.

`walkthrough_page(root, lr)` exports the graph below `root`: the project's own Graphviz picture,
the engine's backward steps and numbers, JavaScript generated from the rule table that recomputes
every value and gradient when a leaf is edited, and a small controller (stepping, explain, quiz,
gradient descent). Everything is inline; the page makes no network request.

    >>> from micrograd_like import Value
    >>> a, b, c = Value(2.0, "a"), Value(-3.0, "b"), Value(1.0, "c")
    >>> f = (a * b + c).tanh()
    >>> f.label = "f"
    >>> page = walkthrough_page(f, lr=0.1, renderer="embedded")
    >>> page.html.startswith("<!DOCTYPE html>"), "http://" in page.html.split("<svg")[0]
    (True, False)
    >>> [step[0] for step in page.data["steps"]] == list(range(len(page.data["nodes"])))
    True

In a notebook, `page` shows itself inline; `page.save("f.html")` writes the file. The worked
example's page, with the post's names: `worked_example_page()`.
"""

from .document import WalkthroughPage, walkthrough_page
from .worked import worked_example_page

__all__ = ["WalkthroughPage", "walkthrough_page", "worked_example_page"]
