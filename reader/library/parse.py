"""One file → :class:`Article`: read safely, decode, split front matter, convert, normalise.

Only files that cannot be articles raise :class:`SkipFile`; every other problem (broken front
matter, odd values, a body the converter chokes on) is recovered from and recorded as a short
warning on the article.

(About 580 lines, kept whole on purpose: the metadata normalisation — titles and their
fallbacks, dates and their fallbacks, categories, tags, authors, URLs — is one set of rules
over one front-matter dict; split across modules, each rule would need the others' helpers.)
"""

from __future__ import annotations

import html
import os
import re
import stat
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date, datetime
from html.parser import HTMLParser
from pathlib import Path
from typing import Any, Literal

from reader.library.convert import markdown_to_plain, to_markdown
from reader.library.dates import date_from_filename, date_from_path, parse_date
from reader.library.encoding import decode_bytes
from reader.library.frontmatter import parse_front_matter
from reader.library.model import Article, CategoryPath, SkipFile
from reader.library.plaintext import body_to_plain
from reader.library.sanitize import clean_line, clean_text

__all__ = ["MAX_TITLE", "parse_file", "parse_text", "read_file"]

MAX_TITLE = 300
_MAX_FIELD = 200
_MAX_SUMMARY = 1000
_MAX_ITEMS = 50
BodyMode = Literal["markdown", "plain", "none"]
_HTML_SUFFIXES = (".html", ".htm")

_DATE_KEYS = ("date", "published", "publishdate", "pubdate", "published_at", "created", "time")
_UPDATED_KEYS = ("updated", "lastmod", "modified", "last_modified", "updated_at", "update")
_AUTHOR_KEYS = ("author", "authors", "creator", "byline")
_URL_KEYS = (
    "link",
    "source",
    "source_url",
    "original",
    "original_url",
    "canonical",
    "canonical_url",
    "canonicalurl",
    "url",
    "permalink",
)
_SUMMARY_KEYS = ("summary", "description", "excerpt", "abstract")
_COVER_KEYS = (
    "headimg",
    "thumbnail",
    "cover",
    "image",
    "banner",
    "featured_image",
    "feature",
    "images",
)
_LANG_KEYS = ("lang", "language", "locale", "languagecode")
_PATH_KEYS = ("path", "permalink", "url", "slug")
_NAME_KEYS = ("name", "display_name", "nickname", "login", "username", "title", "text")
_IMAGE_KEYS = ("image", "src", "url", "path")

# <meta> names in standalone HTML pages, most specific first.
_META = {
    "title": ("og:title", "twitter:title", "dc.title", "title"),
    "author": ("author", "article:author", "dc.creator", "byl", "parsely-author"),
    "date": (
        "article:published_time",
        "og:article:published_time",
        "datepublished",
        "dc.date",
        "date",
        "pubdate",
        "publishdate",
        "parsely-pub-date",
    ),
    "updated": ("article:modified_time", "og:updated_time", "datemodified", "last-modified"),
    "summary": ("description", "og:description", "twitter:description"),
    "cover": ("og:image", "twitter:image"),
    "url": ("og:url",),
    "tags": ("article:tag", "keywords"),
    "category": ("article:section",),
}

_HTML_DOC = re.compile(r"\s*(?:<!--.*?-->\s*)*<(?:!doctype\s+html|html|head)\b", re.I | re.S)
_HEAD_END = re.compile(r"<body\b|</head\s*>", re.I)
_BODY_PARTS = tuple(
    (re.compile(rf"<{tag}\b[^>]*>", re.I), re.compile(rf"</{tag}\s*>", re.I))
    for tag in ("article", "main", "body")
)
_HEADING = re.compile(
    r"^ {0,3}#{1,6}[ \t]+(.+?)(?:[ \t]+#+)?[ \t]*$|^(\S.*)\n {0,3}=+[ \t]*$", re.M
)
_FENCED = re.compile(r"^ {0,3}(```|~~~).*?^ {0,3}\1[ \t]*$", re.M | re.S)
_TAG_SPLIT = re.compile(r"[,，、;；]")
_CATEGORY_SPLIT = re.compile(r"\s*>\s*|\s+/\s+")
_FALLBACK_DROP = re.compile(r"<(script|style|head)\b.*?</\1\s*>", re.I | re.S)
_FALLBACK_TAG = re.compile(r"<[^>]*>")
_FALLBACK_BLOCK = re.compile(r"</?(?:p|div|br|li|h[1-6]|tr|blockquote|pre|section)\b[^>]*>", re.I)


# -- reading -----------------------------------------------------------------------------


def read_file(path: Path, *, max_bytes: int = 32 * 2**20) -> bytes:
    """The bytes of a regular file; ``SkipFile`` for anything else, huge or unreadable.

    The path is checked with ``stat`` before opening (a FIFO is never opened), then opened
    with ``O_NONBLOCK`` and checked again with ``fstat``, so a pipe swapped in between the two
    cannot block the reader.
    """
    try:
        st = os.stat(path)
    except OSError as exc:
        raise SkipFile(f"unreadable: {exc.strerror or exc}") from None
    _check_stat(st, max_bytes)
    flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOCTTY", 0)
    flags |= getattr(os, "O_CLOEXEC", 0) | getattr(os, "O_BINARY", 0)
    try:
        fd = os.open(path, flags)
    except OSError as exc:
        raise SkipFile(f"unreadable: {exc.strerror or exc}") from None
    try:
        _check_stat(os.fstat(fd), max_bytes)
        chunks: list[bytes] = []
        total = 0
        while total <= max_bytes:
            chunk = os.read(fd, min(1 << 20, max_bytes + 1 - total))
            if not chunk:
                break
            chunks.append(chunk)
            total += len(chunk)
    except OSError as exc:
        raise SkipFile(f"unreadable: {exc.strerror or exc}") from None
    finally:
        os.close(fd)
    if total > max_bytes:
        raise SkipFile(f"too large (over {max_bytes:,} bytes)")
    return b"".join(chunks)


def _check_stat(st: os.stat_result, max_bytes: int) -> None:
    if not stat.S_ISREG(st.st_mode):
        raise SkipFile("not a regular file")
    if st.st_size > max_bytes:
        raise SkipFile(f"too large ({st.st_size:,} bytes, limit {max_bytes:,})")


def parse_file(path: Path, *, max_bytes: int = 32 * 2**20, body: BodyMode = "markdown") -> Article:
    """Read, decode and parse one file. Raises ``SkipFile`` only for non-articles.

    ``body`` chooses what ``Article.body`` holds: terminal Markdown for reading (html2text,
    the default), plain text for the search index (fast), or nothing (metadata only).
    """
    data = read_file(path, max_bytes=max_bytes)
    return parse_text(decode_bytes(data, path), path, body=body)


def read_plain(path: Path, *, max_bytes: int = 32 * 2**20) -> str:
    """The searchable plain text of a file's body (the full-text pass: no metadata work).

    The same text as ``parse_file(path, body="plain").body``. Raises ``SkipFile``.
    """
    text = clean_text(decode_bytes(read_file(path, max_bytes=max_bytes), path))
    try:
        fm = parse_front_matter(text)
        page = _read_page(fm.body) if _is_html_page(fm.body) else None
        source = page.body if page else fm.body
        is_html = True if page or path.suffix.lower() in _HTML_SUFFIXES else None
        return body_to_plain(source, is_html=is_html)
    except Exception:
        return clean_text(_FALLBACK_TAG.sub("", text))[:200_000]


# -- parsing -----------------------------------------------------------------------------


def parse_text(text: str, path: Path, *, body: BodyMode = "markdown") -> Article:
    """Parse already-decoded text into an Article (see ``parse_file``). Never raises."""
    try:
        return _parse(text, path, body)
    except Exception as exc:  # a last resort: one odd file must not stop an index run
        raw = "" if body == "none" else clean_text(_FALLBACK_TAG.sub("", text))[:200_000]
        warning = f"could not be parsed ({type(exc).__name__}); showing raw text"
        return Article(path=path, title=_title_text(path.stem) or "untitled", body=raw,
                       warnings=(warning,))  # fmt: skip


def _parse(text: str, path: Path, mode: BodyMode) -> Article:
    fm = parse_front_matter(clean_text(text))
    warnings = list(fm.warnings)
    meta = _Meta(fm.meta)
    page = _read_page(fm.body) if _is_html_page(fm.body) else None
    source = page.body if page else fm.body
    is_html = True if page or path.suffix.lower() in _HTML_SUFFIXES else None
    links: tuple[str, ...] = ()
    if mode == "markdown":
        body, links = _convert(source, is_html, warnings)
    elif mode == "plain":
        body = body_to_plain(source, is_html=is_html)
    else:
        body = ""

    def heading() -> str | None:
        # The title fallback always reads the converted body, whatever ``mode`` is, so the
        # list (metadata pass) and the article view agree.
        markdown = body if mode == "markdown" else _convert(source, is_html, [])[0]
        return _first_heading(markdown)

    title = _title(meta, page, heading, path, warnings)
    published = _date(meta, _DATE_KEYS, page, "date", warnings)
    if published is None:
        published = _fallback_date(meta, path)
    return Article(
        path=path,
        title=title,
        body=body,
        date=published,
        updated=_date(meta, _UPDATED_KEYS, page, "updated", warnings),
        authors=_authors(meta, page),
        categories=_all_categories(meta, page),
        tags=_all_tags(meta, page),
        url=_url(meta, page),
        summary=_first_line(meta.values(_SUMMARY_KEYS), _page_get(page, "summary"), _MAX_SUMMARY),
        cover=_cover(meta, page),
        language=_first_line(meta.values(_LANG_KEYS), page.lang if page else None, 40),
        links=tuple(clean_line(link) for link in links),
        warnings=tuple(clean_line(w) for w in warnings),
    )


class _Meta:
    """Front matter with case-insensitive keys; Hugo ``params`` and Zola ``extra`` as fallbacks."""

    def __init__(self, raw: dict[str, Any]) -> None:
        self.top = _lower_keys(raw)
        self.nested = [
            _lower_keys(value)
            for key in ("params", "extra")
            if isinstance(value := self.top.get(key), dict)
        ]
        taxonomies = self.top.get("taxonomies")
        self.taxonomies = _lower_keys(taxonomies) if isinstance(taxonomies, dict) else {}

    def values(self, keys: Iterable[str]) -> Iterator[object]:
        """Non-empty values of the keys, top level first, then the nested tables."""
        for table in (self.top, *self.nested):
            for key in keys:
                value = table.get(key)
                if value not in (None, "", [], {}):
                    yield value


def _lower_keys(table: dict[Any, Any]) -> dict[str, Any]:
    result: dict[str, Any] = {}
    for key, value in table.items():
        result.setdefault(str(key).lower(), value)
    return result


# -- body --------------------------------------------------------------------------------


def _convert(source: str, is_html: bool | None, warnings: list[str]) -> tuple[str, tuple[str, ...]]:
    """Body → terminal Markdown; plain text with a warning if the converter fails."""
    try:
        markdown, links = to_markdown(source, is_html=is_html)
    except Exception as exc:  # RecursionError on absurd nesting, converter bugs
        warnings.append(f"body conversion failed ({type(exc).__name__}); showing plain text")
        return _plain_fallback(source), ()
    return clean_text(markdown).strip("\n"), tuple(links)


def _plain_fallback(source: str) -> str:
    """Tags dropped, one paragraph per block element or source line."""
    text = _FALLBACK_BLOCK.sub("\n", _FALLBACK_DROP.sub(" ", source))
    text = html.unescape(_FALLBACK_TAG.sub("", text))
    lines = (" ".join(line.split()) for line in text.split("\n"))
    return clean_text("\n\n".join(line for line in lines if line))


# -- standalone HTML pages ---------------------------------------------------------------


@dataclass(slots=True)
class _Page:
    """What the ``<head>`` of a saved web page says, and the part of it to show as body."""

    body: str = ""
    title: str | None = None
    lang: str | None = None
    canonical: str | None = None
    meta: dict[str, list[str]] = field(default_factory=dict)

    def get(self, what: str) -> str | None:
        return next(iter(self.all(what)), None)

    def all(self, what: str) -> list[str]:
        return [v for name in _META[what] for v in self.meta.get(name, ())]


class _HeadParser(HTMLParser):
    def __init__(self, page: _Page) -> None:
        super().__init__(convert_charrefs=True)
        self.page = page
        self.in_title = False
        self.title_parts: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attr = {k.lower(): v or "" for k, v in attrs}
        if tag == "html":
            self.page.lang = attr.get("lang") or attr.get("xml:lang") or None
        elif tag == "title":
            self.in_title = True
        elif tag == "meta":
            name = (attr.get("property") or attr.get("name") or attr.get("itemprop") or "").lower()
            if name and attr.get("content"):
                self.page.meta.setdefault(name, []).append(attr["content"])
        elif tag == "link" and "canonical" in attr.get("rel", "").lower().split():
            self.page.canonical = attr.get("href") or None

    def handle_endtag(self, tag: str) -> None:
        if tag == "title":
            self.in_title = False

    def handle_data(self, data: str) -> None:
        if self.in_title:
            self.title_parts.append(data)


def _is_html_page(body: str) -> bool:
    return _HTML_DOC.match(body[:5000]) is not None


def _page_get(page: _Page | None, what: str) -> str | None:
    return page.get(what) if page is not None else None


def _read_page(document: str) -> _Page:
    """Head metadata via the stdlib parser; the body is ``<article>``, ``<main>`` or ``<body>``."""
    page = _Page()
    end = _HEAD_END.search(document)
    head = document[: end.start() if end else 200_000][:200_000]
    parser = _HeadParser(page)
    try:
        parser.feed(head)
        parser.close()
    except Exception:  # malformed markup: keep what was collected
        pass
    page.title = " ".join("".join(parser.title_parts).split()) or None
    page.body = _page_body(document)
    return page


def _page_body(document: str) -> str:
    for start_re, end_re in _BODY_PARTS:
        start = start_re.search(document)
        if start is None:
            continue
        ends = list(end_re.finditer(document, start.end()))
        return document[start.end() : ends[-1].start() if ends else len(document)]
    return _FALLBACK_DROP.sub("", document)


# -- metadata ----------------------------------------------------------------------------


def _title(
    meta: _Meta,
    page: _Page | None,
    heading: Callable[[], str | None],
    path: Path,
    warnings: list[str],
) -> str:
    for value in meta.values(("title",)):
        title = _title_text(_as_text(value))
        if title:
            return title
        warnings.append("front matter title is not text")
    candidates = (
        lambda: _page_get(page, "title"),
        heading,
        lambda: page.title if page else None,
        lambda: path.stem,
    )
    for candidate in candidates:
        title = _title_text(candidate())
        if title:
            return title
    return path.name or "untitled"


def _title_text(value: str | None) -> str:
    if not value:
        return ""
    title = clean_line(value[: MAX_TITLE * 4])
    return title if len(title) <= MAX_TITLE else title[: MAX_TITLE - 1].rstrip() + "…"


def _first_heading(markdown: str) -> str | None:
    head = markdown[:50_000]
    if "```" in head or "~~~" in head:
        head = _FENCED.sub("", head)
    match = _HEADING.search(head)
    if match is None:
        return None
    return markdown_to_plain(match.group(1) or match.group(2)) or None


def _date(
    meta: _Meta, keys: tuple[str, ...], page: _Page | None, what: str, warnings: list[str]
) -> datetime | None:
    for value in meta.values(keys):
        if isinstance(value, (list, tuple)) and value:
            value = value[0]
        parsed = parse_date(value)
        if parsed is not None:
            return parsed
        shown = clean_line(str(value))[:60]
        warnings.append(f"unparseable {'date' if what == 'date' else 'update date'}: {shown!r}")
    if page is not None:
        for value in page.all(what):
            parsed = parse_date(value)
            if parsed is not None:
                return parsed
    return None


def _fallback_date(meta: _Meta, path: Path) -> datetime | None:
    """A ``YYYY-MM-DD-`` file name, then a ``YYYY/MM/DD`` permalink or directory path."""
    found = date_from_filename(path.name)
    if found is None:
        for value in meta.values(_PATH_KEYS):
            if isinstance(value, str) and (found := date_from_path(value)):
                break
    return found or date_from_path(path.as_posix())


def _authors(meta: _Meta, page: _Page | None) -> tuple[str, ...]:
    names: list[str] = []
    for value in meta.values(_AUTHOR_KEYS):
        names.extend(_names(value))
    if not names and page is not None:
        names = page.all("author")[:1]
    return _unique(_line(name, _MAX_FIELD) for name in names)


def _names(value: object, depth: int = 0) -> list[str]:
    """Author names from a string, a number, a ``{name: …}`` mapping or a list of those."""
    if isinstance(value, dict):
        table = _lower_keys(value)
        return next((_names(table[k], depth + 1) for k in _NAME_KEYS if k in table), [])
    if isinstance(value, (list, tuple)) and depth < 3:
        return [name for item in value[:_MAX_ITEMS] for name in _names(item, depth + 1)]
    text = _as_text(value)
    return [text] if text else []


def _all_categories(meta: _Meta, page: _Page | None) -> tuple[CategoryPath, ...]:
    paths: list[CategoryPath] = []
    for value in meta.values(("categories", "category")):
        paths.extend(_categories(value))
    taxonomy = meta.taxonomies.get("categories")
    if isinstance(taxonomy, (list, tuple)):  # Zola: each entry is a flat category
        paths.extend(_categories([[item] for item in taxonomy]))
    elif taxonomy is not None:
        paths.extend(_categories(taxonomy))
    if not paths and page is not None:
        paths.extend(_categories(_page_get(page, "category")))
    return _unique(p for p in paths if p)


def _categories(value: object) -> list[CategoryPath]:
    """Hexo rules: a list is ONE path, a list of lists several, a string one path.

    A string is split into levels only on ``>`` or a spaced slash (``a / b``): a bare slash is
    too often part of a name (``TCP/IP``, ``C/C++``).
    """
    if isinstance(value, (list, tuple)):
        items = value[:_MAX_ITEMS]
        if any(isinstance(item, (list, tuple)) for item in items):
            return [path for item in items for path in _categories(item if item else [])]
        return [_segments(_as_text(item) for item in items)]
    text = _as_text(value)
    if not text:
        return []
    return [_segments(_CATEGORY_SPLIT.split(text))]


def _segments(parts: Iterable[str | None]) -> CategoryPath:
    return tuple(s for s in (_line(p or "", 100) for p in parts) if s)[:10]


def _all_tags(meta: _Meta, page: _Page | None) -> tuple[str, ...]:
    tags: list[str] = []
    for value in meta.values(("tags", "tag")):
        tags.extend(_tags(value))
    tags.extend(_tags(meta.taxonomies.get("tags")))
    if not tags:
        for value in meta.values(("keywords",)):
            tags.extend(_tags(value))
    if not tags and page is not None:
        for value in page.all("tags"):
            tags.extend(_tags(value))
    return _unique(tags)[:100]


def _tags(value: object, depth: int = 0) -> list[str]:
    """A list of tags, or one string separated by commas (also ``，、;``), else by spaces."""
    if isinstance(value, (list, tuple)):
        return [t for item in value[:200] for t in _tags(item, depth + 1)] if depth < 2 else []
    text = _as_text(value)
    if not text:
        return []
    if depth:  # a list item is one tag, commas and all
        return [tag] if (tag := _line(text, 100)) else []
    parts = _TAG_SPLIT.split(text) if _TAG_SPLIT.search(text) else text.split()
    return [tag for tag in (_line(p, 100) for p in parts) if tag]


def _url(meta: _Meta, page: _Page | None) -> str | None:
    candidates: list[object] = list(meta.values(_URL_KEYS))
    if page is not None:
        candidates += [page.canonical, *page.all("url")]
    for value in candidates:
        text = _as_text(value)
        if text and text.strip().lower().startswith(("http://", "https://")):
            return _line(text, 2000)
    return None


def _cover(meta: _Meta, page: _Page | None) -> str | None:
    for value in meta.values(_COVER_KEYS):
        if isinstance(value, (list, tuple)):
            value = value[0] if value else None
        if isinstance(value, dict):
            table = _lower_keys(value)
            value = next((table[k] for k in _IMAGE_KEYS if table.get(k)), None)
        text = _as_text(value)
        if text:
            return _line(text, 2000)
    return _first_line((), _page_get(page, "cover"), 2000)


def _first_line(values: Iterable[object], extra: str | None, limit: int) -> str | None:
    for value in (*values, extra):
        text = _as_text(value)
        if text and (line := _line(text, limit)):
            return line
    return None


# -- small helpers -----------------------------------------------------------------------


def _as_text(value: object) -> str | None:
    """A scalar as text: strings as is, numbers and dates formatted; containers → None."""
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return str(value).lower()
    if isinstance(value, (int, float)):
        return str(value)
    if isinstance(value, (datetime, date)):
        return value.isoformat()
    return None


def _line(text: str, limit: int) -> str:
    line = clean_line(text[: limit * 4])
    return line if len(line) <= limit else line[: limit - 1].rstrip() + "…"


def _unique(items: Iterable[Any]) -> tuple[Any, ...]:
    return tuple(dict.fromkeys(item for item in items if item))
