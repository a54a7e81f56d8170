"""CJK detection and bigram pre-splitting for SQLite FTS5 (unicode61 tokenizer).

FTS5's unicode61 tokenizer treats a run of Chinese characters as one huge token. We rewrite
every CJK run into space-separated overlapping bigrams plus the run's last character as a
unigram (``诚信长沙`` → ``诚信 信长 长沙 沙``), so that:

- a 1-character query ``沙`` is the prefix query ``"沙"*`` (every occurrence of a character
  starts either a bigram or the final unigram of its run);
- a 2-character query is the token ``"长沙"``;
- a longer query is the phrase of its consecutive bigrams (``"诚信 信长 长沙"``).

This gives exact substring semantics (no misses, no false hits) for CJK text, while Latin
text keeps unicode61's whole-word, case- and accent-insensitive matching.
"""

from __future__ import annotations

import operator
import re
from functools import cache

# Han (incl. extensions and compatibility ideographs), kana, Hangul, ideographic iteration
# marks and full-width Latin letters/digits: letters and numbers only, so punctuation such
# as "，" or "・" stays a separator for unicode61.
_CJK_RANGES = (
    "\u1100-\u11ff"  # Hangul Jamo
    "\u3005-\u3007\u3021-\u3029\u3031-\u3035\u3038-\u303c"  # 々〆〇, Hangzhou numerals, marks
    "\u3041-\u309a\u309d-\u309f\u30a1-\u30fa\u30fc-\u30ff\u31f0-\u31ff"  # kana, not ゛゜゠・
    "\u3130-\u318f"  # Hangul compatibility Jamo
    "\u3400-\u4dbf\u4e00-\u9fff"  # CJK ext A, unified ideographs
    "\ua960-\ua97f\uac00-\ud7af\ud7b0-\ud7ff"  # Hangul
    "\uf900-\ufaff"  # compatibility ideographs
    "\uff10-\uff19\uff21-\uff3a\uff41-\uff5a\uff66-\uff9f"  # full-width alnum, half-width kana
    "\U00020000-\U0003134f"  # ext B–G
)
CJK_RANGES = _CJK_RANGES
"""The character-class body (for building regular expressions elsewhere)."""


@cache
def _run() -> re.Pattern[str]:
    """A maximal CJK run (compiled on first use: the class costs ~4 ms to compile, which a
    CLI call without CJK text need not pay)."""
    return re.compile(f"[{_CJK_RANGES}]+")


# Emoji added after Unicode 6.1 are unknown to unicode61, which then glues them to the
# neighbouring word ("think🤔"); pad them with spaces so words stay words.
@cache
def _late_symbols() -> re.Pattern[str]:
    return re.compile("[\U0001f000-\U0001ffff]")


def is_cjk(ch: str) -> bool:
    """True for a Han, kana or Hangul letter (or a full-width letter/digit)."""
    return len(ch) == 1 and _run().match(ch) is not None


def cjk_runs(text: str) -> list[tuple[int, int]]:
    """Spans ``(start, end)`` of the maximal CJK runs of ``text``."""
    return [m.span() for m in _run().finditer(text)]


def cjk_text(text: str) -> str:
    """The CJK characters of ``text``, in order."""
    return "".join(_run().findall(text))


def _split_run(run: str) -> str:
    if len(run) == 1:
        return run
    return " ".join(map(operator.add, run, run[1:])) + " " + run[-1]


def _bigram_run(match: re.Match[str]) -> str:
    return " " + _split_run(match.group()) + " "


def to_index_text(text: str) -> str:
    """Text as fed to FTS5: CJK runs → bigrams + last-char unigram, other text unchanged."""
    late = _late_symbols()
    if late.search(text):
        text = late.sub(" ", text)
    return _run().sub(_bigram_run, text)


TITLE_MARK = "x"
"""Prefix of title characters in :func:`unigram_text` (``x网`` = 网 in the title)."""


def unigram_text(title: str, plain: str) -> str:
    """Distinct CJK characters of an article, title ones again with :data:`TITLE_MARK`."""
    in_title = set(cjk_text(title))
    chars = in_title.union(cjk_text("".join(set(plain))))  # distinct chars first
    return " ".join([*sorted(chars), *(TITLE_MARK + c for c in sorted(in_title))])


def word_count(text: str) -> int:
    """Words for display: each CJK character counts as one word, plus other words."""
    rest, runs = _run().subn(" ", text)
    cjk = len(text) - len(rest) + runs  # each run became one space
    return cjk + len(re.findall(r"[^\W_]+", rest))


def cjk_tokens(run: str, *, last: bool) -> list[str]:
    """Query tokens for one CJK run inside a term.

    ``last`` tells whether the run ends the term: a run followed by more text must end at
    a run boundary in the document too, so its final unigram is required; a run ending the
    term may continue in the document, so only its bigrams are required.
    """
    if len(run) == 1:
        return [run]
    bigrams = list(map(operator.add, run, run[1:]))
    return bigrams if last else [*bigrams, run[-1]]
