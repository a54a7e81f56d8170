"""Markdown → rich Text lines with CJK line breaking, shared by the TUI and ``show --width``.

Uses rich (never textual). Article text only ever enters ``Text`` as plain strings.
"""

from __future__ import annotations

from reader.render.article import article_to_plain, layout_article, layout_header
from reader.render.highlight import apply_highlight, find_matches
from reader.render.linebreak import wrap_plain, wrap_text
from reader.render.markdown import layout_markdown

__all__ = [
    "apply_highlight",
    "article_to_plain",
    "find_matches",
    "layout_article",
    "layout_header",
    "layout_markdown",
    "wrap_plain",
    "wrap_text",
]
