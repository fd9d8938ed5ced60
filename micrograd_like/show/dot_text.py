"""Text as a picture shows it: a user's label made visible and escaped for DOT, once, wherever it
lands (a record field, a plain label, a tooltip)."""

from __future__ import annotations

import graphviz


def visible(text: str) -> str:
    r"""`text` with everything a picture cannot show written as its Python escape.

    Control characters (tab, CR, NUL, ...), lone surrogates and U+FFFE/U+FFFF are not valid in
    SVG (XML) or cannot be drawn; they appear as `\t`, `\r`, `\x00`, `\ud800`, so a label still
    reads as written. Everything else is kept.

    >>> visible("a\tb\x00c") == r"a\tb\x00c"
    True
    """
    if text.isprintable() and text.isascii():
        return text
    out = []
    for char in text:
        code = ord(char)
        hidden = code < 0x20 or 0x7F <= code < 0xA0 or 0xD800 <= code < 0xE000 or code in (0xFFFE, 0xFFFF)
        out.append(repr(char)[1:-1] if hidden else char)
    return "".join(out)


def record_field(text: str) -> str:
    """Text for one field of a `shape=record` label, drawn as written by both renderers.

    Record syntax gives `{ } | < >` meaning and a backslash escapes; `"` is escaped for DOT and
    `&` for Graphviz, which would otherwise read `&amp;` or `&#65;` as an HTML entity.
    """
    out = []
    for char in visible(text):
        if char == "\\":
            out.append("\\\\")
        elif char in '{}|<>"':
            out.append("\\" + char)
        elif char == "&":
            out.append("&amp;")
        else:
            out.append(char)
    return "".join(out)


def escape_label(text: str) -> graphviz.quoting.NoHtml:
    r"""Text for a plain DOT label or tooltip: a backslash would start an escape like \n or \N,
    `&` an HTML entity, and a text in angle brackets would read as an HTML-like label."""
    escaped = visible(text).replace("\\", "\\\\").replace('"', '\\"').replace("&", "&amp;")
    return graphviz.nohtml(escaped.replace("<", "&lt;").replace(">", "&gt;"))
