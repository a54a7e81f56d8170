"""Terminal cell widths: the wider of rich's measure and wcwidth's tables.

Terminals draw by wcwidth's Unicode tables (Tamil ``தமிழ்`` takes 4 cells where rich counts 3);
Textual pads by rich's. Laying out by the larger of the two keeps every line within the width
by both measures.
"""

from __future__ import annotations

from rich.cells import cell_len
from wcwidth import width as _wc_width

__all__ = ["cells", "chop"]

_CACHE: dict[str, int] = {}


def cells(text: str) -> int:
    """Cells ``text`` takes on a terminal (never fewer than rich counts)."""
    if text.isascii() and text.isprintable():
        return len(text)
    w = _CACHE.get(text)
    if w is None:
        if len(_CACHE) > 50_000:
            _CACHE.clear()
        w = _CACHE[text] = max(cell_len(text), _wc_width(text, control_codes="ignore"))
    return w


def chop(text: str, width: int) -> list[str]:
    """Cut ``text`` into pieces of at most ``width`` cells (at least one character each)."""
    width = max(1, width)
    out: list[str] = []
    start = 0
    used = 0
    for i, ch in enumerate(text):
        w = cells(ch)
        if used + w > width and i > start:
            out.append(text[start:i])
            start, used = i, 0
        used += w
    out.append(text[start:])
    # A combining sequence measures wider as a whole: re-cut any piece that still overflows.
    fixed: list[str] = []
    for piece in out:
        while cells(piece) > width and len(piece) > 1:
            cut = len(piece) - 1
            while cut > 1 and cells(piece[:cut]) > width:
                cut -= 1
            fixed.append(piece[:cut])
            piece = piece[cut:]
        fixed.append(piece)
    return fixed
