"""Safe, cell-width-aware text for list rows, snippets and counts.

Everything here builds :class:`rich.text.Text` from plain strings: article data is never
parsed as markup. Widths are terminal cells (CJK and emoji take two).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import TYPE_CHECKING

from rich.cells import cell_len, set_cell_size
from rich.style import Style
from rich.text import Text

if TYPE_CHECKING:
    from reader.library.index import ArticleRow

UNREAD_MARK = "●"
STAR_MARK = "★"
DUPS_MARK = "×"
"""Before a story's group size (``×3``: the same story from three sources)."""
DATE_WIDTH = 10
SHORT_DATE_WIDTH = 8


def one_line(value: str | None) -> str:
    """Collapse whitespace (titles are already clean, but never trust a newline in a row)."""
    if not value:
        return ""
    return " ".join(value.split())


def fit(value: str, width: int) -> str:
    """Truncate or pad ``value`` to exactly ``width`` cells, with an ellipsis when cut."""
    if width <= 0:
        return ""
    if cell_len(value) <= width:
        return set_cell_size(value, width)
    if width == 1:
        return "…"
    return set_cell_size(set_cell_size(value, width - 1).rstrip() + "…", width)


def format_date(value: datetime | None) -> str:
    """Absolute date as stored (no clock, no local-time conversion: stable output)."""
    return value.strftime("%Y-%m-%d") if value else ""


def source_of(row: ArticleRow) -> str:
    """The source column: the author, or the first category's last part."""
    if row.author:
        return one_line(row.author)
    categories = getattr(row, "categories", ()) or ()
    if categories and categories[0]:
        return one_line(categories[0][-1])
    return ""


def row_text(row: ArticleRow, width: int, styles: dict[str, Style]) -> Text:
    """One list row: marks, date, title (``×N`` after it for a story's N copies), source,
    fitted to ``width`` cells."""
    text = Text(no_wrap=True, overflow="crop", end="")
    if width <= 0:
        return text
    unread = not row.read
    text.append(UNREAD_MARK if unread else " ", styles.get("unread"))
    text.append(STAR_MARK if row.starred else " ", styles.get("star"))
    text.append(" ")
    used = 3
    show_date = width >= 30
    show_source = width >= 60
    if show_date:
        date = format_date(row.date)
        date_width = DATE_WIDTH if width >= 60 else SHORT_DATE_WIDTH
        date = date[DATE_WIDTH - date_width :] if date else ""
        text.append(fit(date, date_width), styles.get("date"))
        text.append(" ")
        used += date_width + 1
    source_width = min(20, max(8, width // 4)) if show_source else 0
    title_width = max(0, width - used - (source_width + 2 if show_source else 0))
    dups = getattr(row, "dups", 1)
    marker = f" {DUPS_MARK}{dups}" if dups > 1 else ""
    if marker and cell_len(marker) > title_width // 2:
        marker = ""  # too narrow: the title matters more
    title_style = styles.get("title_unread" if unread else "title")
    title_width -= cell_len(marker)
    text.append(fit(one_line(row.title) or "(untitled)", title_width), title_style)
    if marker:
        text.append(marker, styles.get("dups"))
    if show_source:
        text.append("  ")
        text.append(fit(source_of(row), source_width), styles.get("source"))
    return text


def snippet_text(
    snippet: str,
    highlights: Sequence[tuple[int, int]],
    width: int,
    styles: dict[str, Style],
    indent: int = 3,
) -> Text:
    """A search snippet on one line of ``width`` cells, centred on its first match."""
    from reader.render.snippet import fit_snippet

    plain, spans = fit_snippet(snippet, highlights, width - indent)
    text = Text(" " * indent, no_wrap=True, overflow="crop", end="")
    body = Text(plain, style=styles.get("snippet") or "", end="")
    for start, end in spans:
        body.stylize(styles.get("match") or "reverse", start, end)
    text.append_text(body)
    return fit_text(text, width)


def fit_text(text: Text, width: int) -> Text:
    """Cut a styled ``Text`` to ``width`` cells (ellipsis when cut, padded when short)."""
    if width <= 0:
        return Text("", end="")
    plain = text.plain
    if cell_len(plain) > width:
        cells = 0
        cut = 0
        for cut, ch in enumerate(plain):  # noqa: B007
            size = cell_len(ch)
            if cells + size > width - 1:
                break
            cells += size
        text = text[:cut]
        text.append("…")
    text.truncate(width, pad=True)
    return text


def count_label(name: str, unread: int | None, total: int) -> Text:
    """A tree label: the name, then ``unread/total`` (or just ``total``) dimmed."""
    label = Text(one_line(name) or "(none)", no_wrap=True, end="")
    counts = f"{total}" if unread is None else f"{unread}/{total}"
    label.append(f"  {counts}", style="dim")
    return label
