"""Search snippets: a one-line window of the stored plain text around the first match, with
character spans of every matched term, found the way the index tokenises (accents and case
folded, CJK runs as substrings, Latin words on word boundaries).
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

from reader.library.cjk import CJK_RANGES, cjk_runs

__all__ = ["SNIPPET_CHARS", "fold", "make_snippet", "matcher", "term_pattern"]

SNIPPET_CHARS = 160
SNIPPET_LEAD = 40


@lru_cache(maxsize=1)
def _fold_table() -> dict[int, str]:
    """1:1 character folding (lower case, accents removed) so spans map back to the text."""
    table: dict[int, str] = {}
    for cp in (*range(0x41, 0x5B), *range(0xC0, 0x2000), *range(0xFF21, 0xFF3B)):
        ch = chr(cp)
        base = unicodedata.normalize("NFD", ch)[0].lower()
        if len(base) == 1 and base != ch:
            table[cp] = base
    return table


def fold(text: str) -> str:
    """Lower-case, accent-free copy of ``text`` with the same length."""
    return text.translate(_fold_table())


_LATIN_WORD = f"[^\\W_{CJK_RANGES}]"


def term_pattern(term: str) -> str | None:
    """Regex (on folded text) matching a highlight term the way the index does."""
    pieces: list[str] = []
    pos = 0
    text = fold(term.rstrip("*"))
    prefix = term.endswith("*")
    for start, end in [*cjk_runs(text), (len(text), len(text))]:
        for word in re.findall(r"[^\W_]+", text[pos:start]):
            pieces.append(f"(?<!{_LATIN_WORD})" + re.escape(word))
        if end > start:
            pieces.append(re.escape(text[start:end]))
        pos = end
    if not pieces:
        return None
    pattern = r"[\W_]*?".join(pieces)
    last_is_word = bool(re.search(r"[^\W_]\Z", text)) and not cjk_runs(text[-1:])
    if last_is_word and not prefix:
        pattern += f"(?!{_LATIN_WORD})"
    return pattern


def matcher(terms: tuple[str, ...]) -> re.Pattern[str] | None:
    patterns = [p for p in map(term_pattern, terms) if p]
    if not patterns:
        return None
    patterns.sort(key=len, reverse=True)
    return re.compile("|".join(f"(?:{p})" for p in patterns))


def make_snippet(
    text: str | None, fallback: str | None, matcher: re.Pattern[str] | None
) -> tuple[str, tuple[tuple[int, int], ...]]:
    """A one-line window of ``text`` around the first match, and the match spans in it."""
    if not text:
        return (fallback or "")[:SNIPPET_CHARS], ()
    first = None
    if matcher is not None:
        # Fast path: case-insensitive search of the text as stored; fold accents (a full
        # copy of the text) only when that finds nothing.
        first = _insensitive(matcher).search(text)
        if first is None and not text.isascii():
            first = matcher.search(fold(text))
    if first is None:
        return _one_line(fallback or text[:SNIPPET_CHARS]), ()
    start = max(0, first.start() - SNIPPET_LEAD)
    # Start at a word or sentence boundary when one is near.
    if start > 0:
        cut = max(start, first.start() - 10)
        boundary = max(text.rfind("\n", start, first.start()), text.rfind(" ", start, cut))
        if boundary >= start:
            start = boundary + 1
    end = min(len(text), start + SNIPPET_CHARS)
    lead = "…" if start > 0 else ""
    tail = "…" if end < len(text) else ""
    # Fold the window plus one character either side so word boundaries stay right.
    lo, hi = max(0, start - 1), min(len(text), end + 1)
    folded = fold(text[lo:hi])
    shift = len(lead) - start + lo
    spans = tuple(
        (m.start() + shift, min(m.end() + lo, end) - start + len(lead))
        for m in matcher.finditer(folded, start - lo)  # type: ignore[union-attr]
        if m.end() > m.start() and m.start() + lo < end
    )
    return lead + _one_line(text[start:end]) + tail, spans


@lru_cache(maxsize=64)
def _insensitive(matcher: re.Pattern[str]) -> re.Pattern[str]:
    return re.compile(matcher.pattern, re.IGNORECASE)


def _one_line(text: str) -> str:
    """Newlines and tabs → spaces (same length, so spans stay valid)."""
    return text.replace("\n", " ").replace("\t", " ")
