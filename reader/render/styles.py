"""Styles used by the article renderer: the one place to retheme the article view and ``show``.

Colours are the terminal's 16 named colours (they follow the terminal's and the ``ansi``
theme's palette); :func:`monochrome` keeps only bold, underline and reverse for ``NO_COLOR``.
"""

from __future__ import annotations

from rich.console import Console
from rich.segment import Segment
from rich.style import Style
from rich.text import Span, Text

TITLE = Style(bold=True, color="bright_blue")
META = Style(color="cyan")
META_DIM = Style(dim=True)
TAG = Style(color="green")
URL = Style(color="blue", underline=True)
RULE = Style(dim=True)
HEADINGS = (
    Style(bold=True, color="bright_magenta", underline=True),
    Style(bold=True, color="bright_magenta"),
    Style(bold=True, color="cyan"),
    Style(bold=True, color="cyan"),
    Style(bold=True, color="cyan"),
    Style(bold=True, italic=True, color="cyan"),
)
STRONG = Style(bold=True)
EMPHASIS = Style(italic=True)
STRIKE = Style(strike=True)
CODE_INLINE = Style(color="bright_cyan")
CODE_BLOCK = Style(color="bright_cyan", bgcolor="grey15")
CODE_LABEL = Style(color="bright_black", italic=True)
CODE_MORE = Style(color="bright_black", bgcolor="grey15")  # the mark of a wrapped code line
QUOTE_BAR = Style(color="bright_black")
QUOTE_TEXT = Style(italic=True)
BULLET = Style(color="yellow")
LINK_MARKER = Style(dim=True, underline=True)
LINK_TEXT = Style(underline=True)
IMAGE = Style(color="green", dim=True)
TABLE_HEADER = Style(bold=True)
TABLE_BORDER = Style(dim=True)
LINKS_HEADING = Style(bold=True, color="bright_magenta")
HIGHLIGHT = Style(color="black", bgcolor="yellow", bold=True)


def is_code_line(line: Text) -> bool:
    """A line of a code block (its base style, or a span reaching its end, is CODE_BLOCK)."""
    if line.style == CODE_BLOCK:
        return True
    end = len(line.plain)
    return any(sp.style == CODE_BLOCK and sp.end == end for sp in line.spans)


def monochrome(style: Style) -> Style:
    """``style`` for NO_COLOR: bold, underline and reverse only (highlights become reverse)."""
    marked = bool(style.bgcolor and style.bold)
    return Style(bold=style.bold, underline=style.underline, reverse=style.reverse or marked)


def line_segments(line: Text, console: Console) -> list[Segment]:
    """The styled segments of one laid-out line, its base style included.

    ``Text.render`` drops the base style of a line without spans (rich only applies it through
    its wrapping path): headings, rules, code and labels then showed in the body colour.
    """
    if line.style and not line.spans:
        line = Text(line.plain, spans=[Span(0, len(line.plain), line.style)], end="")
    return list(line.render(console))
