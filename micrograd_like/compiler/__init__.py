"""Compile a graph to straight-line Python: backpropagation written out, and training steps ~100× faster.

- `compile_graph(root)`: the graph as one Python function, forward one line per node and backward
  one line per edge; `f()` reruns it on the leaves' current data (`f.source` is the code).
- `compile_batch(root, rows=[...])`: one sample's graph, run over a dataset inside the generated code.
- `compile_model(model)`: an MLP's forward and backward, looped over a batch, for `fit`.
- `CompiledLoss(form)`: a per-sample loss (`losses.Form`) compiled one shape of its graph at a time,
  called by that loop for each sample's loss and gradients (`loss_code` compiles one shape).
"""

from .batch import CompiledBatch, CompiledLoss, CompiledModel, compile_batch, compile_model, loss_code
from .graph import CompiledGraph, compile_graph, example_source

__all__ = [
    "CompiledBatch",
    "CompiledGraph",
    "CompiledLoss",
    "CompiledModel",
    "compile_batch",
    "compile_graph",
    "compile_model",
    "example_source",
    "loss_code",
]
