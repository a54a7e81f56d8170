"""Fit a search snippet to a cell width, centred on its first match.

A snippet from the index may be longer than the list row or the terminal line; cutting its
end hides the match when it sits late in the snippet. :func:`fit_snippet` keeps the first
match visible with context on both sides, marks cuts with ``…``, and never lets the visible
text open with closing punctuation (``，`` after a cut).
"""

from __future__ import annotations

from collections.abc import Sequence

from reader.render.cells import cells
from reader.render.linebreak import CLOSING

__all__ = ["fit_snippet"]

_ELLIPSIS = "…"


def fit_snippet(
    snippet: str, highlights: Sequence[tuple[int, int]], width: int
) -> tuple[str, list[tuple[int, int]]]:
    """``(text, spans)``: one line of at most ``width`` cells showing the first match.

    ``highlights`` are character spans into ``snippet``; the returned spans index ``text``
    (matches partly cut off are clipped). Whitespace runs become single spaces.
    """
    plain = "".join(" " if ch in "\n\t\r" else ch for ch in snippet)
    spans = sorted((s, e) for s, e in highlights if 0 <= s < e <= len(plain))
    width = max(0, width)
    if cells(plain) <= width:
        return plain, spans
    if width <= 1:
        return _ELLIPSIS[:width], []
    first_s, first_e = spans[0] if spans else (0, 0)
    # Grow a window [lo, hi) from the first match, alternating right and left.
    lo, hi = first_s, first_s
    used = 0
    budget = width - 2  # room for an ellipsis on each side
    while hi < first_e and used + cells(plain[hi]) <= budget:
        used += cells(plain[hi])
        hi += 1
    left_turn = False
    while True:
        grew = False
        for _ in range(2):
            if left_turn and lo > 0 and used + cells(plain[lo - 1]) <= budget:
                lo -= 1
                used += cells(plain[lo])
                grew = True
            elif not left_turn and hi < len(plain) and used + cells(plain[hi]) <= budget:
                used += cells(plain[hi])
                hi += 1
                grew = True
            left_turn = not left_turn
        if not grew:
            break
    # Spend the ellipsis room of a side that reached the snippet's edge.
    spare = width - used - (lo > 0) - (hi < len(plain))
    while spare > 0 and hi < len(plain) and cells(plain[hi]) <= spare:
        spare -= cells(plain[hi])
        hi += 1
    while spare > 0 and lo > 0 and cells(plain[lo - 1]) <= spare:
        lo -= 1
        spare -= cells(plain[lo])
    while lo < first_s and lo > 0 and plain[lo] in CLOSING + " ":
        lo += 1  # no visible line opens with ，
    while hi > max(lo, first_e) and plain[hi - 1] == " ":
        hi -= 1
    head = _ELLIPSIS if lo > 0 else ""
    tail = _ELLIPSIS if hi < len(plain) else ""
    text = head + plain[lo:hi] + tail
    shift = len(head) - lo
    out = [(max(s, lo) + shift, min(e, hi) + shift) for s, e in spans if s < hi and e > lo]
    return text, out
