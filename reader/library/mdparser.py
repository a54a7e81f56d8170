"""The one markdown-it setup shared by the converter, the plain-text pass and the renderer.

CommonMark + tables + strikethrough, with the *CJK-friendly* flanking rules of the
markdown-cjk-friendly specification (tats-u): next to a delimiter run (``*``, ``_``, ``~~``)
a CJK character counts as punctuation where that lets emphasis open or close, and as a letter
where punctuation would forbid it. So ``增长了**95%**。以及`` and ``~~[NGOCN](url)~~，`` render
as Chinese authors mean, while text without CJK parses exactly as CommonMark.

The PyPI plugin ``mdit-py-cjk-friendly`` implements the same idea, but it monkeypatches
``StateInline.scanDelims`` for every parser in the process at import time, pins
markdown-it-py below 4 and leaves Hangul and variation selectors out; this module subclasses
the inline state of its own parsers instead. No html2text here (the renderer imports this).
"""

from __future__ import annotations

import unicodedata
from functools import lru_cache

from markdown_it import MarkdownIt
from markdown_it.parser_inline import ParserInline
from markdown_it.rules_inline.state_inline import Scanned, StateInline

__all__ = ["is_cjk", "is_punct_or_space", "is_wide", "markdown_html", "markdown_parser"]

_SOFT_PUNCT = "“”‘’…—·"  # ambiguous-width punctuation Chinese text uses like CJK punctuation


@lru_cache(maxsize=4096)
def is_punct_or_space(ch: str) -> bool:
    """CommonMark's notion of punctuation (Unicode P*/S*) or whitespace."""
    return ch.isspace() or unicodedata.category(ch)[0] in "PS"


def is_wide(ch: str) -> bool:
    """East Asian Wide or Fullwidth."""
    return bool(ch) and unicodedata.east_asian_width(ch) in "WF"


@lru_cache(maxsize=4096)
def is_cjk(ch: str) -> bool:
    """A CJK character in the spec's sense: wide/fullwidth/halfwidth, not an emoji or symbol."""
    if not ch:
        return False
    if ch in _SOFT_PUNCT:
        return True
    if unicodedata.east_asian_width(ch) not in "WFH":
        return "\u1100" <= ch <= "\u11ff"  # Hangul jamo (conjoining, narrow)
    return unicodedata.category(ch) != "So" and not "\U0001f000" <= ch <= "\U0001faff"


def _before(src: str, start: int) -> str:
    """The character before ``start``, looking through a variation selector."""
    i = start - 1
    while i > 0 and ("\ufe00" <= src[i] <= "\ufe0f" or "\U000e0100" <= src[i] <= "\U000e01ef"):
        i -= 1
    return src[i] if i >= 0 else " "


class _CjkStateInline(StateInline):
    """CommonMark delimiter scanning with the CJK-friendly flanking amendment."""

    def scanDelims(self, start: int, canSplitWord: bool) -> Scanned:
        scanned = super().scanDelims(start, canSplitWord)
        if scanned.can_open and scanned.can_close:
            return scanned
        last = _before(self.src, start)
        pos = start + scanned.length
        nxt = self.src[pos] if pos < self.posMax else " "
        last_cjk, next_cjk = is_cjk(last), is_cjk(nxt)
        if not (last_cjk or next_cjk):
            return scanned
        last_ws, next_ws = last.isspace(), nxt.isspace()
        last_p = is_punct_or_space(last) and not last_ws
        next_p = is_punct_or_space(nxt) and not next_ws
        # Punctuation forbids flanking only when it is not CJK; CJK allows it like punctuation.
        last_block, next_block = last_p and not last_cjk, next_p and not next_cjk
        last_allow, next_allow = last_p or last_cjk, next_p or next_cjk
        left = not next_ws and (not next_block or last_ws or last_allow)
        right = not last_ws and (not last_block or next_ws or next_allow)
        if canSplitWord:
            return Scanned(left, right, scanned.length)
        can_open = left and (not right or last_allow)
        can_close = right and (not left or next_allow)
        return Scanned(can_open, can_close, scanned.length)


class _CjkParserInline(ParserInline):
    def parse(self, src, md, env, outTokens):
        state = _CjkStateInline(src, md, env, outTokens)
        self.tokenize(state)
        for rule in self.ruler2.getRules(""):
            rule(state)
        return state.tokens


def markdown_parser() -> MarkdownIt:
    """A new CommonMark + tables + strikethrough parser with CJK-friendly emphasis.

    Raw HTML is allowed (it is converted or shown as text by the caller).
    """
    md = MarkdownIt("commonmark", {"html": True}).enable(["table", "strikethrough"])
    inline = _CjkParserInline()
    inline.ruler, inline.ruler2 = md.inline.ruler, md.inline.ruler2
    md.inline = inline
    return md


def _softbreak(renderer, tokens, idx, options, env) -> str:
    """Markdown source line breaks: nothing between two CJK characters, else a newline."""
    before = tokens[idx - 1].content[-1:] if idx > 0 else ""
    after = tokens[idx + 1].content[:1] if idx + 1 < len(tokens) else ""
    if before and after and is_wide(before) and is_wide(after):
        return ""
    return "\n"


@lru_cache(maxsize=1)
def markdown_html() -> MarkdownIt:
    """The shared parser rendering Markdown to HTML (source breaks between CJK vanish)."""
    md = markdown_parser()
    md.add_render_rule("softbreak", _softbreak)
    return md
