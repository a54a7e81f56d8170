"""Collection: the index of one set of roots, as the CLI and the TUI use it.

A thin facade: the file, its schema and the shared reads live in :mod:`.store` (values in
:mod:`.records`), refreshing in :mod:`.refresh`, searching in :mod:`.search`. Those three
never import this module.
"""

from __future__ import annotations

import contextlib
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from reader import paths
from reader.library import search as _search
from reader.library import stories as _stories
from reader.library.model import Article, CategoryPath, IndexReport, SkipFile
from reader.library.records import (
    ALL,
    STORED_COLUMNS,
    ArticleRow,
    FacetKind,
    Filter,
    SearchSort,
    Sort,
    StoredArticle,
    collection_key,
    from_iso,
    split,
    split_categories,
    unpack_plain,
)
from reader.library.search import Hit, SearchResult
from reader.library.state import StateStore
from reader.library.store import SCHEMA_VERSION, IncompatibleIndex, Store

if TYPE_CHECKING:
    import sqlite3
    import threading

    from reader.library.refresh import ProgressFn

__all__ = [
    "SCHEMA_VERSION",
    "ArticleRow",
    "Collection",
    "Filter",
    "Hit",
    "IncompatibleIndex",
    "IndexReport",
    "SearchResult",
    "collection_key",
    "unpack_plain",
]


class Collection:
    """The index of one collection (a set of roots) plus the reading state joined in.

    Thread-safe: calls are serialised on one connection; ``refresh`` writes through its
    own connection, so lists and searches keep working while it runs (WAL).
    """

    def __init__(
        self,
        roots: Sequence[Path],
        *,
        cache_dir: Path | None = None,
        state: StateStore | None = None,
    ) -> None:
        self.roots = tuple(Path(r) for r in roots)
        self.key = collection_key(self.roots)
        folder = Path(cache_dir) if cache_dir is not None else paths.cache_dir()
        with contextlib.suppress(OSError):  # an unusable folder: the store works in memory
            folder.mkdir(parents=True, exist_ok=True)
        self.db_path = folder / f"{self.key}.sqlite3"
        self._own_state = state is None
        self.state = state if state is not None else StateStore()
        self.warnings: list[str] = list(self.state.warnings)
        self.store = Store(self.db_path, self.key, self.roots, self.state, self.warnings)

    @property
    def in_memory(self) -> bool:
        """True when the cache folder was unusable and the index lives in memory."""
        return self.store.in_memory

    @property
    def conn(self) -> sqlite3.Connection:
        """The read connection; guard with :attr:`lock`."""
        return self.store.conn

    @property
    def lock(self) -> threading.RLock:
        return self.store.lock

    def close(self) -> None:
        self.store.close()
        if self._own_state:
            self.state.close()

    def __enter__(self) -> Collection:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def refresh(
        self,
        progress: ProgressFn | None = None,
        *,
        workers: int | None = None,
        full: bool = False,
    ) -> IndexReport:
        """Bring the index up to date with the files.

        Quick by default: only directories whose mtime/ctime changed are listed, so files
        added, deleted, renamed or moved are seen, but a file rewritten in place is not.
        ``full=True`` lists every directory and stats every file (see :mod:`.dirs`).
        """
        from reader.library.refresh import refresh

        return refresh(self.store, self.roots, progress, workers=workers, full=full)

    # -- lists

    def count(self, filter: Filter = ALL, *, unread: bool = False, starred: bool = False) -> int:
        """Number of articles matching ``filter`` (``unread``/``starred`` narrow it too:
        ``count(unread=True)`` is ``count(Filter(unread=True))``)."""
        if unread or starred:
            filter = filter._replace(
                unread=filter.unread or unread, starred=filter.starred or starred
            )
        where = filter.where()
        sql = "SELECT count(*) FROM articles a" + where.sql()
        return int(self.store.query(sql, where.args)[0][0])

    def ids(self, filter: Filter = ALL, *, sort: Sort = "date") -> list[int]:
        """All matching ids in display order (date: newest first; title: A→Z)."""
        where = filter.where()
        order = "a.title COLLATE NOCASE, a.id DESC" if sort == "title" else "a.id DESC"
        sql = f"SELECT a.id FROM articles a{where.sql()} ORDER BY {order}"
        return [r[0] for r in self.store.query(sql, where.args)]

    def rows(self, ids: Sequence[int]) -> list[ArticleRow]:
        """Rows for ``ids`` in the given order (unknown ids are left out)."""
        return self.store.rows(ids)

    def row(self, id: int) -> ArticleRow | None:
        rows = self.rows([id])
        return rows[0] if rows else None

    def id_for_key(self, key: str) -> int | None:
        rows = self.store.query("SELECT id FROM articles WHERE key = ?", (key,))
        return rows[0][0] if rows else None

    def id_for_path(self, path: Path) -> int | None:
        """The article of a file (any path naming the same file), or None."""
        import os

        from reader.library.fsnames import from_db, to_db

        target = Path(path).absolute()
        rows = self.store.query("SELECT id FROM articles WHERE path = ?", (to_db(str(target)),))
        if rows:
            return int(rows[0][0])
        pattern = "%" + target.name.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
        for id_, stored in self.store.query(
            "SELECT id, path FROM articles WHERE path LIKE ? ESCAPE '\\'", (pattern,)
        ):
            try:
                if os.path.samefile(from_db(stored), target):
                    return int(id_)
            except OSError:
                continue
        return None

    def article(self, id: int) -> Article:
        """The full article for reading: its file parsed now, the index supplying what the
        file no longer can. KeyError when the id is unknown.

        Reading the file on open keeps the index small and the view current; an article
        whose file has gone or become unreadable is shown from the indexed plain text, with
        a warning saying so.
        """
        from reader.library.fsnames import from_db
        from reader.library.parse import parse_file

        rows = self.store.query(
            f"SELECT {STORED_COLUMNS} FROM articles a LEFT JOIN bodies b ON b.no = a.body "
            "WHERE a.id = ?",
            (id,),
        )
        if not rows:
            raise KeyError(id)
        r = StoredArticle._make(rows[0])
        path = Path(from_db(r.path))
        try:
            return parse_file(path)
        except SkipFile as exc:
            problem = f"the file could not be read ({exc.reason}): showing the indexed text"
        return Article(
            path=path,
            title=r.title,
            body=unpack_plain(r.text) if r.text is not None else "",
            date=from_iso(r.date),
            updated=from_iso(r.updated),
            authors=split(r.authors),
            categories=split_categories(r.categories),
            tags=split(r.tags),
            url=r.url,
            summary=r.summary,
            cover=r.cover,
            language=r.language,
            warnings=(*split(r.warnings), problem),
        )

    def category_counts(self) -> list[tuple[CategoryPath, int, int]]:
        """(node path, total, unread) for every category node at every level, tree order."""
        sql = """
            WITH r AS (
                SELECT n.node AS node, count(*) AS c
                FROM st.state s INDEXED BY state_read
                CROSS JOIN articles a ON a.key = s.key
                CROSS JOIN article_nodes n INDEXED BY article_nodes_id ON n.id = a.id
                WHERE s.read
                GROUP BY n.node
            )
            SELECT t.node, t.c, t.c - coalesce(r.c, 0)
            FROM (SELECT node, count(*) AS c FROM article_nodes GROUP BY node) t
            LEFT JOIN r ON r.node = t.node
            ORDER BY t.node
        """
        return [
            (tuple(split(node)), total, unread) for node, total, unread in self.store.query(sql)
        ]

    def facet_counts(self, kind: FacetKind) -> list[tuple[str, int, int]]:
        """(value, total, unread) per author, tag or month ("YYYY-MM", newest first)."""
        unread = "sum(NOT EXISTS (SELECT 1 FROM st.state s WHERE s.key = a.key AND s.read))"
        if kind == "month":
            sql = (
                f"SELECT substr(a.day, 1, 7) AS m, count(*), {unread} FROM articles a "
                "WHERE a.day IS NOT NULL GROUP BY m ORDER BY m DESC"
            )
            return [(m, t, u) for m, t, u in self.store.query(sql)]
        if kind not in ("author", "tag"):
            raise ValueError(f"unknown facet {kind!r}")
        sql = (
            f"SELECT f.value, count(*), {unread} FROM article_facets f "
            "JOIN articles a ON a.id = f.id WHERE f.kind = ? "
            "GROUP BY f.value ORDER BY count(*) DESC, f.value"
        )
        return [(v, t, u) for v, t, u in self.store.query(sql, (kind,))]

    def category_nodes(self) -> list[str]:
        """Every distinct node string (cached until the index changes)."""
        return self.store.category_nodes()

    def fts_ordered(self) -> bool:
        """True while FTS docno order equals date order (fast newest-first search)."""
        return self.store.fts_ordered()

    def fts_pending(self) -> int:
        """Articles not yet in the full-text index (search is incomplete while > 0)."""
        return self.store.fts_pending()

    # -- near-duplicates and related articles (see stories.py)

    def duplicate_groups(self) -> list[list[ArticleRow]]:
        """Every group of near-duplicate stories (each row's ``dups`` is its group size):
        in each group the kept (earliest) article first; groups newest story first."""
        groups = _stories.duplicate_groups(self.store)
        rows = {r.id: r for r in self.store.rows([i for g in groups for i in g])}
        return [[rows[i] for i in g if i in rows] for g in groups]

    def duplicates_of(self, id: int) -> list[ArticleRow]:
        """The other articles of ``id``'s group (its other sources), kept one first."""
        return self.store.rows(_stories.duplicates_of(self.store, id))

    def hidden_duplicates(self) -> set[int]:
        """Ids that ``Filter(hide_duplicates=True)`` leaves out (to filter search results)."""
        return _stories.hidden_duplicates(self.store)

    def related(self, id: int, limit: int = 10) -> list[ArticleRow]:
        """Up to ``limit`` articles most related to ``id`` (shared rare terms, BM25), best
        first, never ``id`` itself; empty when it is not full-text indexed yet."""
        return self.store.rows(_stories.related_ids(self.store, id, limit))

    # -- search (see search.py)

    def search(
        self,
        query: str,
        *,
        sort: SearchSort = "relevance",
        limit: int = 50,
        offset: int = 0,
        snippets: bool = True,
        count: bool = True,
    ) -> SearchResult:
        """Search with the query language; never raises for any query text.

        ``count=False`` skips the exact total (a second pass over every match): ``total`` is
        then the number of hits returned.
        """
        return _search.search(
            self.store, query, sort=sort, limit=limit, offset=offset, snippets=snippets, count=count
        )

    def search_ids(
        self, query: str, *, sort: SearchSort = "relevance"
    ) -> tuple[list[int], tuple[str, ...], str | None]:
        """All matching ids in order, the highlight terms, and an error message or None."""
        return _search.search_ids(self.store, query, sort=sort)
