"""Pictures of a computation graph that show where every gradient comes from.

`draw_dot(root)` returns a `Drawing` (a `graphviz.Digraph`): each value is a box with its name,
data and grad, each op is its own small node, and every edge carries the op's local derivative
d(out)/d(in), read from the same rule `backward()` uses. A value used twice (`x * x`) gets two
edges, so the two contributions to its gradient are both visible. `highlight=` emphasises every
path from the root to one node: the picture of the chain-rule sum over paths. `write_frames`
draws one picture per backward step, the gradients filling in from the root down, every frame
on the same layout and canvas.

    >>> from micrograd_like import Value
    >>> x = Value(3.0, "x")
    >>> y = x * x
    >>> y.label = "y"
    >>> y.backward()
    >>> print(draw_dot(y, legend=False).source)  # doctest: +ELLIPSIS
    digraph computation {
    ...
        n1 [label="x|data 3|grad 6" class=input fillcolor="#dbeafe" tooltip="x: input"]
        n0 [label="y|data 9|grad 1" class=computed fillcolor=white tooltip="y = x·x: computed by mul"]
        o0 [label="*" class=op ... tooltip="mul: d(a·b)/da = b; d(a·b)/db = a"]
        n1 -> o0 [label=3 tooltip="d(a·b)/da = b"]
        n1 -> o0 [label=3 tooltip="d(a·b)/db = a"]
        o0 -> n0
    }

A drawing saves itself with the renderer this package ships when Graphviz's `dot` is missing:
`draw_dot(y).render("y.svg")` (or `"y.png"`). Node ids come from the backward order (`n0` is the
root, `o0` the op that made it), never from memory addresses, so the same program always gives
the same DOT source. Unlabelled nodes carry the name every view gives them (`names.graph_names`).

How a picture looks is a *view*: a small function from each part of the picture (a value box, an
op, an edge) to the attributes that part gets. `plain`, `highlighting(...)` and `framing(...)`
are the three views; a new one is one more such function.
"""

# The pictures, by job: drawing.py (the Drawing type), dot_text.py (labels as DOT shows them),
# views.py (what each part looks like), builder.py (the picture of a graph), frames.py (the
# backward pass, a picture per step). This module is their one public face.
from .builder import DEFAULT_MAX_NODES as DEFAULT_MAX_NODES
from .builder import Options as Options
from .builder import draw_dot as draw_dot
from .builder import path_nodes as path_nodes
from .dot_text import escape_label as escape_label
from .dot_text import visible as visible
from .drawing import Drawing as Drawing
from .drawing import GraphTooLargeError as GraphTooLargeError
from .frames import frame_graph as frame_graph
from .frames import write_frames as write_frames
from .views import FILL as FILL
from .views import Frame as Frame
from .views import Part as Part
from .views import framing as framing
from .views import highlighting as highlighting
from .views import plain as plain
