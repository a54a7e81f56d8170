"""Styles used by the article renderer (one place to retheme)."""

from __future__ import annotations

from rich.style import Style

TITLE = Style(bold=True, color="bright_white")
META = Style(color="cyan")
META_DIM = Style(dim=True)
TAG = Style(color="green")
URL = Style(color="blue", underline=True)
RULE = Style(dim=True)
HEADINGS = (
    Style(bold=True, color="bright_magenta", underline=True),
    Style(bold=True, color="bright_magenta"),
    Style(bold=True, color="magenta"),
    Style(bold=True, color="cyan"),
    Style(bold=True),
    Style(bold=True, italic=True),
)
STRONG = Style(bold=True)
EMPHASIS = Style(italic=True)
STRIKE = Style(strike=True)
CODE_INLINE = Style(color="bright_cyan")
CODE_BLOCK = Style(color="bright_cyan")
QUOTE_BAR = Style(color="bright_black")
QUOTE_TEXT = Style(italic=True)
BULLET = Style(color="yellow")
LINK_MARKER = Style(dim=True, underline=True)
LINK_TEXT = Style(underline=True)
IMAGE = Style(color="green", dim=True)
TABLE_HEADER = Style(bold=True)
TABLE_BORDER = Style(dim=True)
LINKS_HEADING = Style(bold=True)
HIGHLIGHT = Style(color="black", bgcolor="yellow", bold=True)
