"""Tables: aligned columns by cell width when they fit (wrapping cells if needed), else one
wrapped line per row."""

from __future__ import annotations

from rich.text import Text

from reader.render import styles
from reader.render.cells import cells as cell_width
from reader.render.linebreak import StyledText, wrap_styled

__all__ = ["layout_table"]

_SEP = " │ "
_MIN_COL = 4


def _fit_widths(natural: list[int], avail: int) -> list[int] | None:
    """Column widths summing to ≤ avail: natural ones, or capped ones (water-filling)."""
    if sum(natural) <= avail:
        return natural
    if _MIN_COL * len(natural) > avail:
        return None
    lo, hi = _MIN_COL, max(natural)
    while lo < hi:  # largest cap c with sum(min(w, c)) <= avail
        mid = (lo + hi + 1) // 2
        if sum(min(w, mid) for w in natural) <= avail:
            lo = mid
        else:
            hi = mid - 1
    widths = [max(1, min(w, lo)) for w in natural]
    spare = avail - sum(widths)
    for i, w in enumerate(natural):
        if spare <= 0:
            break
        if w > widths[i]:
            extra = min(spare, w - widths[i])
            widths[i] += extra
            spare -= extra
    return widths


def layout_table(rows: list[tuple[bool, list[StyledText]]], width: int) -> list[Text]:
    """Lay out ``(is_header, cells)`` rows into lines no wider than ``width`` cells."""
    rows = [(h, cells) for h, cells in rows if cells]
    if not rows:
        return []
    cols = max(len(cells) for _, cells in rows)
    natural = [1] * cols
    for _, cells in rows:
        for c, cell in enumerate(cells):
            longest = max((cell_width(part) for part in cell.plain.split("\n")), default=0)
            natural[c] = max(natural[c], longest)
    widths = _fit_widths(natural, width - cell_width(_SEP) * (cols - 1))
    if widths is None:
        return _row_per_line(rows, width)
    out: list[Text] = []
    for r, (header, cells) in enumerate(rows):
        base = styles.TABLE_HEADER if header else ""
        wrapped = [
            wrap_styled(cells[c], widths[c], base) if c < len(cells) else [Text(end="")]
            for c in range(cols)
        ]
        for k in range(max(len(w) for w in wrapped)):
            line = Text(end="")
            for c in range(cols):
                if c:
                    line.append(_SEP, styles.TABLE_BORDER)
                part = wrapped[c][k] if k < len(wrapped[c]) else Text(end="")
                line.append_text(part)
                line.append(" " * max(0, widths[c] - cell_width(part.plain)))
            line.rstrip()
            out.append(line)
        if header and (r + 1 >= len(rows) or not rows[r + 1][0]):
            rule = "─┼─".join("─" * w for w in widths)
            out.append(Text(rule, styles.TABLE_BORDER, end=""))
    return out


def _row_per_line(rows: list[tuple[bool, list[StyledText]]], width: int) -> list[Text]:
    out: list[Text] = []
    for header, cells in rows:
        joined = StyledText()
        for c, cell in enumerate(cells):
            if c:
                joined.append(_SEP, styles.TABLE_BORDER)
            start = joined.length
            joined.append(cell.plain.replace("\n", " "))
            joined.spans.extend((start + a, start + b, s) for a, b, s in cell.spans)
        out.extend(wrap_styled(joined, width, styles.TABLE_HEADER if header else ""))
    return out
