"""Search snippets: a one-line window of the stored plain text around the first match, with
character spans of every matched term, found the way the index tokenises: on the folded
text (:mod:`reader.library.fold`: Traditional → Simplified, width forms, accents, case),
CJK runs as substrings, Latin words on word boundaries. Matches are found in the folded
text and mapped back (:func:`~reader.library.fold.original_span`), so the spans mark the
article's original characters (``長沙`` for the query ``长沙``).
"""

from __future__ import annotations

import re
from bisect import bisect_left

from reader.library.cjk import CJK_RANGES, cjk_runs
from reader.library.fold import fold, fold_mapped, original_span

__all__ = ["SNIPPET_CHARS", "fold", "make_snippet", "matcher", "term_pattern"]

SNIPPET_CHARS = 160
SNIPPET_LEAD = 40


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


def _folded(text: str) -> tuple[str, list[int] | None]:
    """``fold(text)`` and its map to ``text`` (None: one folded character per original)."""
    return fold_mapped(text)


_MARGIN = SNIPPET_CHARS + 240  # a match this far from the prefix's end: the window fits
PREFIX_STEPS = (_MARGIN + 400, 2_000)
"""Look for the first match in prefixes this long before folding a whole article (folding
costs ~0.1 µs a character; most first matches are in the first few hundred)."""


def _first_match(
    text: str, matcher: re.Pattern[str]
) -> tuple[str, list[int] | None, re.Match[str] | None]:
    """``(folded, map, first match)`` of ``text``, or of a prefix of it that holds the first
    match with the whole snippet window: folding is per character, so a prefix folds as the
    start of the whole does, and most first matches are near the top (50 snippets of 5 KB
    articles folded whole took ~25 ms)."""
    for size in PREFIX_STEPS:
        if len(text) <= size + _MARGIN:
            break
        folded, where = _folded(text[:size])
        first = matcher.search(folded)
        if first is not None and first.end() < len(folded) - _MARGIN:
            return folded, where, first
    folded, where = _folded(text)
    return folded, where, matcher.search(folded)


def make_snippet(
    text: str | None, fallback: str | None, matcher: re.Pattern[str] | None
) -> tuple[str, tuple[tuple[int, int], ...]]:
    """A one-line window of ``text`` around the first match, and the match spans in it."""
    if not text:
        return (fallback or "")[:SNIPPET_CHARS], ()
    if matcher is None:
        return _one_line(fallback or text[:SNIPPET_CHARS]), ()
    folded, where, first = _first_match(text, matcher)
    if first is None:
        return _one_line(fallback or text[:SNIPPET_CHARS]), ()

    def orig(a: int, b: int) -> tuple[int, int]:
        return (a, b) if where is None else original_span(where, a, b)

    hit = orig(first.start(), first.end())[0]
    start = max(0, hit - SNIPPET_LEAD)
    # Start at a word or sentence boundary when one is near.
    if start > 0:
        cut = max(start, hit - 10)
        boundary = max(text.rfind("\n", start, hit), text.rfind(" ", start, cut))
        if boundary >= start:
            start = boundary + 1
    end = min(len(text), start + SNIPPET_CHARS)
    lead = "…" if start > 0 else ""
    tail = "…" if end < len(text) else ""
    spans = []
    pos = start if where is None else bisect_left(where, start)
    for m in matcher.finditer(folded, pos):  # lookbehinds still see the text before pos
        a, b = orig(m.start(), m.end())
        if a >= end:
            break
        if b > a:
            spans.append((a - start + len(lead), min(b, end) - start + len(lead)))
    return lead + _one_line(text[start:end]) + tail, tuple(spans)


def _one_line(text: str) -> str:
    """Newlines and tabs → spaces (same length, so spans stay valid)."""
    return text.replace("\n", " ").replace("\t", " ")
