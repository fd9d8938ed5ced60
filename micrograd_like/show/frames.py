"""The backward pass as pictures: one frame per step, every frame on one layout and one canvas
(laid out once, for the longest text each box and label will hold), so nothing jumps."""

from __future__ import annotations

import json
import os
import re
from collections.abc import Mapping
from pathlib import Path

from ..core.backprop import BackwardStep, backward_steps, use_counts
from ..core.engine import Value
from ..core.names import dname
from ..core.order import backward_order
from ..core.story import Tally, tallied
from ..util.files import write_files
from ..util.numbers import format_number
from .builder import DEFAULT_MAX_NODES, Layout, build, check_graph, options_for
from .drawing import Drawing
from .render import Renderer, render_bytes
from .views import Frame, framing


def _frame(step: BackwardStep, order: list[Value], tally: Tally, digits: int) -> Frame:
    done = set(order[: step.index + 1])  # backward_steps handles the nodes in exactly this order
    snapshot = Tally(tally.uses, received=dict(tally.received))  # the tally goes on with the pass
    return Frame(step, done, snapshot, {node: node.grad for node in order}, digits)


def _frame_caption(frame: Frame, count: int, lines: int) -> tuple[str, ...]:
    """The step in words: the node and its upstream gradient, then what each edge passed on (the
    chain rule, local × upstream), padded to `lines` edge lines so every frame's caption is as tall."""
    step, n = frame.step, frame.digits
    names = step.names
    top, name = names[step.root], names[step.node]
    upstream = format_number(step.upstream, n)
    how = f"{step.node.op}: each input gets its local derivative × {upstream}" if step.edges else "a leaf"
    title = f"step {step.index + 1} of {count}:  {name}   {dname(top, name)} = {upstream}   ({how})"
    edges = [
        f"    {dname(top, names[e.parent])} += {format_number(e.local, n)} × {upstream} = "
        f"{format_number(e.contribution, n)}   (now {format_number(e.parent_grad, n)})"
        for e in step.edges
    ]
    if not step.edges:
        edges = [f"    {dname(top, name)} = {upstream} is complete: every use of {name} has passed its part"]
    edges += [" "] * (lines - len(edges))
    key = 'blue = this step,  grey = not reached yet ("?"),  "(1 of 2 uses)" = more contributions to come'
    return (title, *edges, key)


def frame_graph(
    step: BackwardStep,
    received: Mapping[Value, int],
    *,
    rankdir: str = "LR",
    digits: int = 4,
    compact: bool = False,
) -> Drawing:
    """The picture of one backward step, drawn right after `backward_steps` yielded it.

    The step's node and the edges it just fed are blue, labelled local × upstream = contribution;
    `received[v]` counts the contributions v has had so far: a value shows its gradient once the
    first one arrives, with "(1 of 2 uses)" while more are to come, and "?" before. The part of
    the graph gradient has not flowed through yet is grey. (Laid out on its own: `write_frames`
    lays every frame out alike.)
    """
    order = check_graph(step.root, rankdir, digits, len(backward_order(step.root)))
    frame = _frame(step, order, Tally(use_counts(order), received=dict(received)), digits)
    caption = _frame_caption(frame, len(order), len(step.edges))
    return build(step.root, order, framing(frame), options_for(rankdir, digits, True, caption, compact, True))


def write_frames(
    root: Value,
    directory: str | os.PathLike[str],
    *,
    rankdir: str = "LR",
    digits: int = 4,
    prefix: str = "step_",
    renderer: Renderer = "auto",
    max_nodes: int = DEFAULT_MAX_NODES,
    compact: bool = False,
) -> list[Path]:
    """Run backward from `root`, writing `<prefix>NN.svg` into `directory` after every step.

    One frame per step of `backward_steps` (so one per value in the graph), numbered from 01:
    the step's node in blue with what it passed along each edge, every gradient filled in so
    far. Every frame has the same layout and the same canvas (laid out once, for the longest
    text each box and label will hold), so flipping through them nothing jumps. This *is* the
    backward pass: afterwards the gradients are set, and leaves have accumulated onto what they
    held, exactly as after `backward()`. Returns the files written: all of them, or none and an
    OSError that says so (`files.write_files`).
    """
    order = check_graph(root, rankdir, digits, max_nodes)
    target = Path(directory)
    if target.exists() and not target.is_dir():
        raise NotADirectoryError(f"{str(target)!r} exists and is not a directory")
    # backward_steps updates gradients as it goes: each frame keeps its step's state
    frames = [_frame(step, order, tally, digits) for step, tally in tallied(backward_steps(root))]
    count, lines = len(order), max(max(len(f.step.edges) for f in frames), 1)
    captions = [_frame_caption(f, count, lines) for f in frames]
    options = [options_for(rankdir, digits, True, caption, compact, top=True) for caption in captions]
    template = _widest([build(root, order, framing(f), o, keys=True) for f, o in zip(frames, options)])
    layout = _layout(template, renderer)
    width = max(2, len(str(len(order))))
    pictures = (
        (
            f"{prefix}{frame.step.index + 1:0{width}d}.svg",
            render_bytes(build(root, order, framing(frame), option, layout=layout), "svg", renderer),
        )
        for frame, option in zip(frames, options)
    )
    return write_files(target, pictures)  # all the frames or none: never a set that looks finished


def _widest(pictures: list[Drawing]) -> str:
    """One DOT source whose every label is the longest that part has in any of `pictures`
    (which differ only in texts and colours), to lay out once for all of them."""
    sources = [picture.source.splitlines() for picture in pictures]
    lines = []
    for variants in zip(*sources):
        lines.append(max(variants, key=_label_length))
    return "\n".join(lines) + "\n"


_LABEL = re.compile(r'\blabel=("(?:[^"\\]|\\.)*"|[^\s\]]+)')


def _label_length(line: str) -> int:
    found = _LABEL.search(line)
    return len(found[1]) if found else 0


def _layout(source: str, renderer: Renderer) -> Layout:
    """Positions and sizes of every node and edge of `source`, from one dot layout (its json)."""
    laid = json.loads(render_bytes(source, "json", renderer))
    layout: Layout = {"graph": {key: laid[key] for key in ("bb", "lp") if key in laid}}
    for node in laid.get("objects", []):
        layout[node["name"]] = {
            "pos": node["pos"],
            "width": node["width"],
            "height": node["height"],
            "fixedsize": "true",  # the box keeps the template's size whatever text this frame has
        }
    for edge in laid.get("edges", []):
        layout[edge["edgekey"]] = {key: edge[key] for key in ("pos", "lp") if key in edge}
    return layout
