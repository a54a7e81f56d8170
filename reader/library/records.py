"""Values as the index stores them: row types and their mappers, text packing, id slots,
and the one builder of filter SQL on ``articles a``.

The bottom of the store (no imports from index, search or refresh): :mod:`.store` owns
the connection and schema, and both refresh and search build on these two modules.
"""

from __future__ import annotations

import os
import zlib
from collections.abc import Iterable, Iterator, Sequence
from datetime import datetime
from pathlib import Path
from typing import Literal, NamedTuple, TypeVar

from reader.library.cjk import to_index_text, unigram_text
from reader.library.fold import fold
from reader.library.fsnames import from_db
from reader.library.model import CategoryPath, Record

SEP = "\x1f"
"""Between parts of one category path; between list items."""
PATH_SEP = "\x1e"
"""Between category paths."""
DATE_OFFSET = 1 << 37
SLOT_BITS = 20

Sort = Literal["date", "title"]
SearchSort = Literal["relevance", "date"]
FacetKind = Literal["author", "tag", "month"]

T = TypeVar("T")


# ----------------------------------------------------------------------- value coding


def join(items: Iterable[str]) -> str:
    """List items as one column value."""
    return SEP.join(items)


def split(value: str | None) -> tuple[str, ...]:
    """Inverse of :func:`join`."""
    return tuple(value.split(SEP)) if value else ()


def join_categories(categories: Iterable[CategoryPath]) -> str:
    return PATH_SEP.join(join(p) for p in categories)


def split_categories(value: str | None) -> tuple[CategoryPath, ...]:
    return tuple(tuple(p.split(SEP)) for p in value.split(PATH_SEP)) if value else ()


def iso(value: datetime | None) -> str | None:
    return value.isoformat() if value is not None else None


def from_iso(value: str | None) -> datetime | None:
    if not value:
        return None
    try:
        return datetime.fromisoformat(value)
    except ValueError:
        return None


def chunks(seq: Sequence[T], size: int) -> Iterator[Sequence[T]]:
    """Consecutive slices of at most ``size`` items."""
    for i in range(0, len(seq), size):
        yield seq[i : i + size]


def collection_key(roots: Iterable[Path]) -> str:
    """Stable name of a collection: hash of the sorted real paths of its roots."""
    real = sorted(os.path.realpath(os.fspath(r)) for r in roots)
    return _sha256("\0".join(real).encode("utf-8", "surrogateescape"))[:20]


def _sha256(data: bytes) -> str:
    """SHA-256 hex digest from CPython's built-in implementation when there is one:
    ``hashlib`` loads OpenSSL (~6 ms of every CLI call) for a 50-byte digest."""
    try:
        from _sha2 import sha256  # type: ignore[import-not-found]  # CPython 3.12+
    except ImportError:
        try:
            from _sha256 import sha256  # type: ignore[import-not-found]  # 3.10, 3.11
        except ImportError:  # another Python
            from hashlib import sha256
    return str(sha256(data).hexdigest())


def date_base(date: datetime | None) -> int:
    """First id of the slot range for articles of this second (undated → 0, sorts last)."""
    if date is None:
        return 0
    try:
        ts = int(date.timestamp())
    except (OverflowError, OSError, ValueError):
        return 0
    ts = min(max(ts + DATE_OFFSET, 1), (1 << 38) - 1)
    return ts << SLOT_BITS


def node_rows(categories: Iterable[CategoryPath]) -> set[tuple[str, int, str]]:
    """(node, depth, name) for every prefix of every category path."""
    nodes: set[tuple[str, int, str]] = set()
    for path in categories:
        parts = [p for p in path if p]
        for depth in range(1, len(parts) + 1):
            nodes.add((join(parts[:depth]), depth, parts[depth - 1]))
    return nodes


class FtsText(NamedTuple):
    """The FTS5 input of an article."""

    title: str
    body: str
    chars: str
    """Distinct CJK characters, for the ``uni`` table."""


def fts_text(title: str, plain: str) -> FtsText:
    """Bigrammed title and body, and the article's ``uni`` text, all of the *folded* text
    (:func:`reader.library.fold.fold`: Traditional → Simplified, width forms, accents,
    case), so that queries folded the same way match either form. The stored plain text
    stays the original (see :func:`pack_plain`)."""
    return fts_text_folded(fold(title), fold(plain))


def fts_text_folded(title: str, plain: str) -> FtsText:
    """:func:`fts_text` of a title and text already folded."""
    return FtsText(to_index_text(title), to_index_text(plain), unigram_text(title, plain))


def fts_crc(texts: FtsText) -> int:
    """Fingerprint of indexed text (+1 so 0 can mean "not indexed")."""
    data = "\0".join(texts).encode("utf-8", "surrogatepass")
    return zlib.crc32(data) + 1


def pack_plain(plain: str) -> bytes:
    """The indexed plain text, compressed (kept for snippets and for FTS deletes)."""
    return zlib.compress(plain.encode("utf-8", "surrogatepass"), 6)


def unpack_plain(blob: bytes) -> str:
    return zlib.decompress(blob).decode("utf-8", "surrogatepass")


# ------------------------------------------------------------------------ row types


ROW_COLUMNS = (
    "a.id, a.path, a.key, a.title, a.date, a.author, a.categories, a.tags, a.url, "
    "a.summary, a.words, coalesce(s.read, 0), coalesce(s.starred, 0), "
    "coalesce((SELECT count(*) FROM dup_groups d2 WHERE d2.grp = "
    "(SELECT d1.grp FROM dup_groups d1 WHERE d1.id = a.id)), 0)"
)
"""The SELECT list of :class:`ListRecord` (``articles a`` joined with :data:`STATE_JOIN`)."""
STATE_JOIN = "LEFT JOIN st.state s ON s.key = a.key"


class ListRecord(NamedTuple):
    """One row of :data:`ROW_COLUMNS` as SQLite returns it."""

    id: int
    path: str
    key: str
    title: str
    date: str | None
    author: str | None
    categories: str
    tags: str
    url: str | None
    summary: str | None
    words: int
    read: int
    starred: int
    dups: int


class ArticleRow(NamedTuple):
    """One list row: metadata only, reading state joined in."""

    id: int
    path: Path
    key: str
    title: str
    date: datetime | None
    author: str | None
    categories: tuple[CategoryPath, ...]
    tags: tuple[str, ...]
    url: str | None
    summary: str | None
    words: int
    read: bool
    starred: bool
    dups: int = 1
    """Size of its group of near-duplicate stories (the list's ``×3``); 1: no copies."""

    @classmethod
    def from_record(cls, r: ListRecord) -> ArticleRow:
        return cls(
            id=r.id,
            path=Path(from_db(r.path)),
            key=r.key,
            title=r.title,
            date=from_iso(r.date),
            author=r.author,
            categories=split_categories(r.categories),
            tags=split(r.tags),
            url=r.url,
            summary=r.summary,
            words=r.words,
            read=bool(r.read),
            starred=bool(r.starred),
            dups=max(1, r.dups),
        )


STORED_COLUMNS = (
    "a.path, a.title, b.text, a.date, a.updated, a.authors, a.categories, a.tags, "
    "a.url, a.summary, a.cover, a.language, a.warnings"
)
"""The SELECT list of :class:`StoredArticle` (``articles a LEFT JOIN bodies b``)."""


class StoredArticle(NamedTuple):
    """What the index keeps of an article, for showing it when its file is gone."""

    path: str
    title: str
    text: bytes | None
    date: str | None
    updated: str | None
    authors: str
    categories: str
    tags: str
    url: str | None
    summary: str | None
    cover: str | None
    language: str | None
    warnings: str


# ----------------------------------------------------------------------- filter SQL


class Where(Record):
    """WHERE conditions on ``articles a`` and their arguments: the one place filter SQL
    is written (lists, counts and the query language's field filters all use it)."""

    __slots__ = ("args", "conditions")

    def __init__(self) -> None:
        self.conditions: list[str] = []
        self.args: list[object] = []

    def add(self, sql: str, *args: object) -> None:
        self.conditions.append(sql)
        self.args.extend(args)

    def _in(self, sql: str, values: Sequence[str]) -> None:
        if not values:
            self.conditions.append("0")
            return
        self.add(sql.format(",".join("?" * len(values))), *values)

    def nodes(self, nodes: Sequence[str]) -> None:
        """In any of these category nodes (joined paths)."""
        self._in("a.id IN (SELECT id FROM article_nodes WHERE node IN ({}))", nodes)

    def facet(self, kind: Literal["author", "tag"], values: Sequence[str]) -> None:
        """Has one of these authors or tags (case-insensitive)."""
        self._in(
            f"a.id IN (SELECT id FROM article_facets WHERE kind = '{kind}' AND value IN ({{}}))",
            values,
        )

    def days(self, first: str | None = None, before: str | None = None) -> None:
        """Dated ``first <= day < before`` (ISO dates or prefixes)."""
        if first is not None:
            self.add("a.day >= ?", first)
        if before is not None:
            self.add("a.day < ?", before)

    def read(self, read: bool) -> None:
        self.conditions.append(
            ("" if read else "NOT ")
            + "EXISTS (SELECT 1 FROM st.state s WHERE s.key = a.key AND s.read)"
        )

    def starred(self) -> None:
        self.conditions.append(
            "EXISTS (SELECT 1 FROM st.state s WHERE s.key = a.key AND s.starred)"
        )

    def hide_duplicates(self) -> None:
        """Each group of near-duplicates shown once: its earliest article."""
        self.conditions.append("a.id NOT IN (SELECT id FROM dup_groups WHERE id != grp)")

    def sql(self, prefix: str = " WHERE ") -> str:
        """`` WHERE a AND b`` (empty when there are no conditions)."""
        return prefix + " AND ".join(self.conditions) if self.conditions else ""


class Filter(NamedTuple):
    """Which articles a list or count covers; every field narrows it (all of them hold)."""

    category: CategoryPath | None = None
    author: str | None = None
    tag: str | None = None
    month: str | None = None
    """``YYYY-MM``."""
    unread: bool = False
    starred: bool = False
    hide_duplicates: bool = False
    """Show each group of near-duplicate stories once (its earliest article)."""

    def where(self) -> Where:
        w = Where()
        if self.category:
            w.nodes([join(self.category)])
        if self.author:
            w.facet("author", [self.author])
        if self.tag:
            w.facet("tag", [self.tag])
        if self.month:
            w.days(self.month, self.month + "\uffff")
        if self.unread:
            w.read(False)
        if self.starred:
            w.starred()
        if self.hide_duplicates:
            w.hide_duplicates()
        return w


ALL = Filter()
