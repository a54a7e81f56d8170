"""Markdown → rich Text lines with CJK line breaking, shared by the TUI and ``show --width``.

Uses rich (never textual). Article text only ever enters ``Text`` as plain strings.
The names below load on first use: the TUI's palette imports :mod:`.styles` at start-up,
and the Markdown parser and line breaker (~60 ms of imports) wait for the first article.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from reader.render.article import article_to_plain, layout_article, layout_header
    from reader.render.highlight import apply_highlight, find_matches
    from reader.render.linebreak import wrap_plain, wrap_text
    from reader.render.markdown import layout_markdown

_HOME = {
    "article_to_plain": "article",
    "layout_article": "article",
    "layout_header": "article",
    "apply_highlight": "highlight",
    "find_matches": "highlight",
    "wrap_plain": "linebreak",
    "wrap_text": "linebreak",
    "layout_markdown": "markdown",
}

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


def __getattr__(name: str) -> Any:
    home = _HOME.get(name)
    if home is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(f"{__name__}.{home}"), name)
    globals()[name] = value
    return value
