"""A whole article as Text lines: header, rule, body, numbered link list."""

from __future__ import annotations

import re
from collections.abc import Sequence

from rich.text import Text

from reader.library.model import Article
from reader.library.sanitize import clean_line
from reader.render import styles
from reader.render.highlight import apply_highlight
from reader.render.linebreak import StyledText, wrap_styled
from reader.render.markdown import layout_markdown

__all__ = ["article_to_plain", "layout_article", "layout_header"]


def _wrapped(parts: Sequence[tuple[str, object]], width: int, sep: str = "  ") -> list[Text]:
    st = StyledText()
    for text, style in parts:
        text = clean_line(text)
        if not text:
            continue
        if st.length:
            st.append(sep, styles.META_DIM)
        st.append(text, style)  # type: ignore[arg-type]
    return wrap_styled(st, width) if st.length else []


_H1 = re.compile(r"\A\s*#[ \t]+([^\n]*?)[ \t#]*(?:\n|\Z)")
_MARKUP = re.compile(r"[*_`~\\]")


def _without_title_heading(body: str, title: str) -> str:
    """The body without a first ``# H1`` that repeats the title (shown once, in the header)."""
    m = _H1.match(body)
    if m and title and _MARKUP.sub("", m.group(1)).strip() == _MARKUP.sub("", title).strip():
        return body[m.end() :]
    return body


def layout_header(article: Article, width: int) -> list[Text]:
    """Title, date and author, category paths, tags and source URL; then a rule."""
    lines = _wrapped([(article.title or article.path.name, styles.TITLE)], width)
    meta: list[tuple[str, object]] = []
    if article.date is not None:
        d = article.date
        midnight = not (d.hour or d.minute or d.second or d.microsecond)
        meta.append((d.strftime("%Y-%m-%d" if midnight else "%Y-%m-%d %H:%M"), styles.META))
    if article.author:
        meta.append((article.author, styles.META))
    lines += _wrapped(meta, width)
    paths = [" › ".join(clean_line(p) for p in path if p.strip()) for path in article.categories]
    lines += _wrapped([(p, styles.META) for p in paths if p], width, " · ")
    lines += _wrapped(
        [("#" + clean_line(t), styles.TAG) for t in article.tags if t.strip()], width, " "
    )
    if article.url:
        lines += _wrapped([(article.url, styles.URL)], width)
    lines.append(Text("─" * max(1, width), styles.RULE, end=""))
    return lines


def _links(links: Sequence[str], width: int) -> list[Text]:
    if not links:
        return []
    lines = [Text(end=""), Text("Links", styles.LINKS_HEADING, end="")]
    for n, url in enumerate(links, 1):
        st = StyledText()
        st.append(f"[{n}] ", styles.LINK_MARKER)
        st.append(clean_line(url), styles.URL)
        lines += wrap_styled(st, width)
    return lines


def layout_article(article: Article, width: int, *, highlight: Sequence[str] = ()) -> list[Text]:
    """Header, rule, blank line, body and the numbered link list, each line ≤ ``width`` cells.

    Every case-insensitive occurrence of a ``highlight`` term in the title or body is
    styled; :func:`reader.render.find_matches` gives the matching line numbers.
    """
    width = max(1, width)
    header = layout_header(article, width)
    body = layout_markdown(
        _without_title_heading(article.body, article.title),
        width,
        link_count=len(article.links),
    )
    lines = [*header, Text(end=""), *body, *_links(article.links, width)]
    if highlight:
        apply_highlight(lines[: len(header) + 1 + len(body)], highlight)
    return lines


def article_to_plain(article: Article, width: int) -> str:
    """The plain text of :func:`layout_article` (what ``show --format text --width N`` prints)."""
    return "\n".join(line.plain.rstrip() for line in layout_article(article, width))
