"""Is an article body HTML or Markdown? (a cheap sniff shared by the converter and the indexer)"""

from __future__ import annotations

import re

__all__ = ["looks_like_html"]

_TAG = re.compile(r"<[^>]*>")
_HTML_START = re.compile(
    r"\s*(?:<!--.*?-->\s*)*<(?:!doctype|html|head|body|div|p|section|article|table|ul|ol|h[1-6]|"
    r"blockquote|pre|span|img|a|strong|b|br|figure|header|main|center|font|iframe|script|style)\b",
    re.I | re.S,
)
_MD_SIGNAL = re.compile(
    r"^(?:#{1,6}[ \t]|```|~~~|[-*+][ \t]+\S|\d{1,3}\.[ \t]+\S|>[ \t])|\]\([^)\s]+\)|\*\*\S",
    re.M,
)
_CLOSING_TAGS = re.compile(r"</(?:p|div|li|td|h[1-6])>|<br\s*/?>", re.I)


_TEXT_PARA = re.compile(r"\n[ \t]*\n[ \t]{0,3}[^<\s]")


def looks_like_html(body: str) -> bool:
    """HTML when it opens with a tag (unless Markdown syntax shows and tags are rare), or when
    it is tag-dense with neither Markdown syntax nor blank-line separated text paragraphs."""
    head = body[:20000]
    closing = len(_CLOSING_TAGS.findall(head))
    if _HTML_START.match(head):
        return not _MD_SIGNAL.search(_TAG.sub("", head)) or closing >= 3
    return closing >= 3 and not _MD_SIGNAL.search(head) and len(_TEXT_PARA.findall(head)) < 2
