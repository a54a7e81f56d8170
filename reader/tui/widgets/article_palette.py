"""The article view's colours from the current Textual theme.

The renderer (:mod:`reader.render.styles`) draws with the terminal's 16 named colours, which
is what ``show --color`` prints and what the ``ansi-*`` themes want. In a colour theme the
view swaps those styles for the theme's own: headings and the title in ``$text-primary``,
smaller headings in ``$text-accent``, code on ``$panel`` in ``$foreground``, inline code in
``$text-secondary``, so a theme switch (ctrl+t) recolours the article as it does the panes.
"""

from __future__ import annotations

from collections.abc import Mapping

from rich.style import Style
from rich.text import Span, Text
from textual.color import Color, ColorParseError

from reader.render import styles

__all__ = ["Palette", "theme_palette"]

Palette = Mapping[Style, Style]
"""Renderer style → the style drawn in the current theme (missing: drawn as it is)."""


def _colour(variables: Mapping[str, str], name: str) -> str | None:
    try:
        return Color.parse(variables[name]).hex
    except (KeyError, ColorParseError):
        return None


def theme_palette(variables: Mapping[str, str], *, ansi: bool) -> Palette:
    """The swaps for a theme's CSS variables (``App.get_css_variables()``); none for ANSI."""
    if ansi:
        return {}
    primary = _colour(variables, "text-primary")
    secondary = _colour(variables, "text-secondary")
    accent = _colour(variables, "text-accent")
    panel = _colour(variables, "panel")
    foreground = _colour(variables, "foreground")
    if not (primary and secondary and accent and panel and foreground):
        return {}
    h1, h2, h3, h4, h5, h6 = styles.HEADINGS
    return {
        styles.TITLE: Style(bold=True, color=primary),
        h1: Style(bold=True, underline=True, color=primary),
        h2: Style(bold=True, color=primary),
        h3: Style(bold=True, color=accent),
        h4: Style(bold=True, color=accent),
        h5: Style(bold=True, color=accent),
        h6: Style(bold=True, italic=True, color=accent),
        styles.LINKS_HEADING: Style(bold=True, color=primary),
        styles.META: Style(color=secondary),
        styles.CODE_INLINE: Style(color=secondary),
        styles.CODE_BLOCK: Style(color=foreground, bgcolor=panel),
        styles.CODE_MORE: Style(dim=True, color=foreground, bgcolor=panel),
        styles.CODE_LABEL: Style(italic=True, color=secondary),
        styles.BULLET: Style(color=accent),
    }


def recolour(line: Text, palette: Palette) -> Text:
    """``line`` with its base and span styles swapped through ``palette`` (a copy if changed)."""
    if not palette:
        return line
    base = palette.get(line.style, line.style) if isinstance(line.style, Style) else line.style
    spans = [
        Span(sp.start, sp.end, palette.get(sp.style, sp.style))
        if isinstance(sp.style, Style)
        else sp
        for sp in line.spans
    ]
    return Text(line.plain, style=base, spans=spans, end=line.end, no_wrap=line.no_wrap)
