"""Search-term highlighting on rendered lines, and the line numbers of matches."""

from __future__ import annotations

import re
from collections.abc import Sequence

from rich.text import Text

from reader.render import styles

__all__ = ["apply_highlight", "find_matches", "term_pattern"]


def term_pattern(terms: Sequence[str]) -> re.Pattern[str] | None:
    """One case-insensitive alternation of the non-blank terms, longest first."""
    cleaned = sorted({t.strip() for t in terms if t and t.strip()}, key=len, reverse=True)
    if not cleaned:
        return None
    return re.compile("|".join(re.escape(t) for t in cleaned), re.IGNORECASE)


def apply_highlight(lines: Sequence[Text], terms: Sequence[str]) -> list[int]:
    """Stylize every occurrence of every term in place; returns the indices of matching lines.

    Matching is per line: a term broken across two wrapped lines is not found.
    """
    pattern = term_pattern(terms)
    hits: list[int] = []
    if pattern is None:
        return hits
    for index, line in enumerate(lines):
        found = False
        for m in pattern.finditer(line.plain):
            line.stylize(styles.HIGHLIGHT, m.start(), m.end())
            found = True
        if found:
            hits.append(index)
    return hits


def find_matches(lines: Sequence[Text], terms: Sequence[str]) -> list[int]:
    """Indices of the lines holding any of ``terms`` (case-insensitive), for next/previous keys."""
    pattern = term_pattern(terms)
    if pattern is None:
        return []
    return [i for i, line in enumerate(lines) if pattern.search(line.plain)]
