"""Collection: the SQLite index of one set of roots (a cache), incremental refresh, lists.

Layout (one file per collection in ``paths.cache_dir()``, named by a hash of the roots):

- ``articles``: one compact row per article. ``id`` is the date-ordered key
  ``(epoch_seconds + 2**37) << 20 | n`` (undated articles sort last), so newest-first is
  ``ORDER BY id DESC`` on the table b-tree and ``ORDER BY rowid DESC`` on the FTS table.
- ``bodies``: the indexed plain text, zlib-compressed (for snippets, and for FTS5 deletes:
  a contentless table on SQLite 3.40 needs the original text); kept out of ``articles`` so
  list scans stay small. Articles open by parsing their file, so no Markdown is stored.
- ``article_nodes``: one row per category node (every prefix of every category path,
  ``"\\x1f"``-joined) so counts at every level come from one GROUP BY.
- ``article_facets``: author and tag values (case-insensitive).
- ``fts``: contentless FTS5 (title, body) over CJK-bigrammed plain text. Its rowid is a
  dense ``articles.docno`` handed out in date order by the FTS phase: small rowid deltas
  make doclists ~40 % smaller than sparse date keys would, and while ``meta.fts_ordered``
  holds, docno order is date order (newest-first = ``ORDER BY rowid DESC``).
  ``articles.indexed`` holds ``crc32 + 1`` of the indexed text (0 = pending): rows are
  deleted from FTS with their recomputed text, and a mismatch resets the FTS table instead
  of corrupting it.
- ``uni``: contentless ``detail=none`` FTS5 of each article's distinct CJK characters
  (title characters also as ``x`` + character), so a 1-character query is one doclist read
  instead of a prefix scan over every bigram starting with that character.
- ``skipped``: files that cannot be articles, remembered so a rescan does not reparse them.

Refresh (see refresh.py) is two-phase: metadata rows first (the list is complete), then
plain text into ``bodies`` and FTS. Both phases commit per batch, so an interrupted run
leaves a usable index and the next resumes.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import sqlite3
import threading
import time
import zlib
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from reader import paths
from reader.library import search as _search
from reader.library.cjk import to_index_text, unigram_text
from reader.library.fsnames import from_db
from reader.library.model import (
    Article,
    CategoryPath,
    Progress,
    RefreshReport,
    SkipFile,
)
from reader.library.state import StateStore

try:
    import fcntl
except ImportError:  # pragma: no cover - Windows
    fcntl = None  # type: ignore[assignment]

SCHEMA_VERSION = 9
"""Bump whenever the schema or the FTS text (tokenisation) changes: old files are rebuilt."""
SEP = "\x1f"  # between parts of one category path; between list items
PATH_SEP = "\x1e"  # between category paths
BUSY_TIMEOUT_MS = 30_000
CACHE_KB = 16_384  # SQLite page cache per connection
WRITE_CACHE_KB = 65_536  # … and for a refresh that has files to index
PARSE_BATCH = 1000  # articles per metadata transaction
FTS_BATCH = 1000  # articles per FTS transaction
CHUNK = 64  # files per process-pool task
INLINE_LIMIT = 64  # parse fewer files than this without a process pool
_DATE_OFFSET = 1 << 37
_SLOT_BITS = 20

ProgressFn = Callable[[Progress], None]

_SCHEMA = f"""
CREATE TABLE meta(key TEXT PRIMARY KEY, value TEXT) WITHOUT ROWID;
CREATE TABLE articles(
    id INTEGER PRIMARY KEY,
    key TEXT NOT NULL UNIQUE,
    path TEXT NOT NULL,
    mtime_ns INTEGER NOT NULL,
    size INTEGER NOT NULL,
    title TEXT NOT NULL,
    date TEXT,
    day TEXT,
    updated TEXT,
    author TEXT,
    categories TEXT NOT NULL DEFAULT '',
    tags TEXT NOT NULL DEFAULT '',
    url TEXT,
    summary TEXT,
    cover TEXT,
    language TEXT,
    words INTEGER NOT NULL DEFAULT 0,
    authors TEXT NOT NULL DEFAULT '',
    warnings TEXT NOT NULL DEFAULT '',
    indexed INTEGER NOT NULL DEFAULT 0,
    docno INTEGER,
    body INTEGER
);
CREATE INDEX articles_day ON articles(day);
CREATE INDEX articles_title ON articles(title COLLATE NOCASE);
CREATE INDEX articles_ids ON articles(id);
CREATE INDEX articles_docno ON articles(docno, day, key);
CREATE INDEX articles_fts_pending ON articles(id) WHERE indexed = 0;
CREATE TABLE bodies(
    no INTEGER PRIMARY KEY,
    text BLOB NOT NULL
);
CREATE TABLE article_nodes(
    node TEXT NOT NULL,
    id INTEGER NOT NULL,
    depth INTEGER NOT NULL,
    name TEXT NOT NULL,
    PRIMARY KEY(node, id)
) WITHOUT ROWID;
CREATE INDEX article_nodes_id ON article_nodes(id);
CREATE TABLE article_facets(
    kind TEXT NOT NULL,
    value TEXT NOT NULL COLLATE NOCASE,
    id INTEGER NOT NULL,
    PRIMARY KEY(kind, value, id)
) WITHOUT ROWID;
CREATE INDEX article_facets_id ON article_facets(id);
CREATE TABLE skipped(
    key TEXT PRIMARY KEY,
    path TEXT NOT NULL,
    mtime_ns INTEGER NOT NULL,
    size INTEGER NOT NULL,
    reason TEXT NOT NULL
) WITHOUT ROWID;
CREATE VIRTUAL TABLE fts USING fts5(
    title, body, content='', detail=full, tokenize='unicode61 remove_diacritics 2'
);
INSERT INTO fts(fts, rank) VALUES ('pgsz', 16000);
INSERT INTO fts(fts, rank) VALUES ('automerge', 16);
INSERT INTO fts(fts, rank) VALUES ('crisismerge', 64);
CREATE VIRTUAL TABLE uni USING fts5(
    chars, content='', detail=none, tokenize='unicode61 remove_diacritics 2'
);
INSERT INTO uni(uni, rank) VALUES ('pgsz', 16000);
INSERT INTO meta VALUES ('fts_ordered', '1');
PRAGMA user_version = {SCHEMA_VERSION};
"""

_ROW_COLUMNS = (
    "a.id, a.path, a.key, a.title, a.date, a.author, a.categories, a.tags, a.url, "
    "a.summary, a.words, coalesce(s.read, 0), coalesce(s.starred, 0)"
)
_STATE_JOIN = "LEFT JOIN st.state s ON s.key = a.key"


@dataclass(frozen=True, slots=True)
class ArticleRow:
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


@dataclass(slots=True)
class IndexReport(RefreshReport):
    """RefreshReport plus what a benchmark wants to know about the two phases."""

    parsed: int = 0
    """Files read and parsed in this run (0 on a no-change refresh)."""
    list_seconds: float = 0.0
    """Seconds until the list was complete and browsable."""
    fts_seconds: float = 0.0
    """Seconds until full-text search covered every article."""
    fts_indexed: int = 0
    """Articles added to the full-text index in this run."""


class IncompatibleIndex(Exception):
    """The index file was written by another schema version or for other roots."""


# ----------------------------------------------------------------------------- helpers


def collection_key(roots: Iterable[Path]) -> str:
    """Stable name of a collection: hash of the sorted real paths of its roots."""
    real = sorted(os.path.realpath(os.fspath(r)) for r in roots)
    return hashlib.sha256("\0".join(real).encode("utf-8", "surrogateescape")).hexdigest()[:20]


def _join(items: Iterable[str]) -> str:
    return SEP.join(items)


def _split(value: str | None) -> tuple[str, ...]:
    return tuple(value.split(SEP)) if value else ()


def _split_categories(value: str | None) -> tuple[CategoryPath, ...]:
    return tuple(tuple(p.split(SEP)) for p in value.split(PATH_SEP)) if value else ()


def _iso(value: datetime | None) -> str | None:
    return value.isoformat() if value is not None else None


def _from_iso(value: str | None) -> datetime | None:
    if not value:
        return None
    try:
        return datetime.fromisoformat(value)
    except ValueError:
        return None


def date_base(date: datetime | None) -> int:
    """First id of the slot range for articles of this second (undated → 0, sorts last)."""
    if date is None:
        return 0
    try:
        ts = int(date.timestamp())
    except (OverflowError, OSError, ValueError):
        return 0
    ts = min(max(ts + _DATE_OFFSET, 1), (1 << 38) - 1)
    return ts << _SLOT_BITS


def node_rows(categories: Iterable[CategoryPath]) -> set[tuple[str, int, str]]:
    """(node, depth, name) for every prefix of every category path."""
    nodes: set[tuple[str, int, str]] = set()
    for path in categories:
        parts = [p for p in path if p]
        for depth in range(1, len(parts) + 1):
            nodes.add((_join(parts[:depth]), depth, parts[depth - 1]))
    return nodes


def fts_text(title: str, plain: str) -> tuple[str, str, str]:
    """The FTS5 input of an article: bigrammed title and body, and its ``uni`` text."""
    return to_index_text(title), to_index_text(plain), unigram_text(title, plain)


def pack_plain(plain: str) -> bytes:
    """The indexed plain text, compressed (kept for snippets and for FTS deletes)."""
    return zlib.compress(plain.encode("utf-8", "surrogatepass"), 6)


def unpack_plain(blob: bytes) -> str:
    return zlib.decompress(blob).decode("utf-8", "surrogatepass")


def fts_crc(texts: tuple[str, str, str]) -> int:
    """Fingerprint of indexed text (+1 so 0 can mean "not indexed")."""
    data = "\0".join(texts).encode("utf-8", "surrogatepass")
    return zlib.crc32(data) + 1


def _chunks(seq: Sequence, size: int) -> Iterator[Sequence]:
    for i in range(0, len(seq), size):
        yield seq[i : i + size]


# ------------------------------------------------------------------------- collection


def _is_busy(exc: sqlite3.OperationalError) -> bool:
    text = str(exc).lower()
    return "locked" in text or "busy" in text


def _is_damage(exc: sqlite3.OperationalError) -> bool:
    """Operational errors that mean the file is not a usable index (rebuild it), as opposed
    to the file system refusing us (unwritable, full, missing directory)."""
    text = str(exc).lower()
    return "no such table" in text or "no such column" in text or "malformed" in text


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
        with contextlib.suppress(OSError):  # an unusable folder: see _in_memory
            folder.mkdir(parents=True, exist_ok=True)
        self.db_path = folder / f"{self.key}.sqlite3"
        self.in_memory = False
        self.warnings: list[str] = []
        self._own_state = state is None
        self.state = state if state is not None else StateStore()
        self.warnings.extend(self.state.warnings)
        self._lock = threading.RLock()
        self._nodes_cache: tuple[int, list[str]] | None = None
        self._docmap: tuple[int, dict[int, int]] | None = None
        self._conn = self._open()

    # -- opening, validation, rebuild

    def _connect(self) -> sqlite3.Connection:
        target = (
            f"file:newsreader-{self.key}?mode=memory&cache=shared"
            if self.in_memory
            else (os.fspath(self.db_path))
        )
        conn = sqlite3.connect(
            target, isolation_level=None, check_same_thread=False, timeout=30, uri=self.in_memory
        )
        try:
            conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
            conn.execute("PRAGMA page_size = 16384")  # new files only; one FTS block per page
            conn.execute("PRAGMA journal_mode = WAL")
            # The index is a cache (rebuilt when damaged): no fsync. Reading state lives in
            # its own database (st), which keeps full durability.
            conn.execute("PRAGMA main.synchronous = OFF")
            # Bounded memory: pages come through a 16 MB cache per connection, not mmap (mapped
            # pages count as the reader's resident memory; the OS page cache keeps them warm).
            conn.execute(f"PRAGMA cache_size = -{CACHE_KB}")
            conn.execute("PRAGMA temp_store = MEMORY")
            conn.execute("PRAGMA mmap_size = 0")
            conn.execute("ATTACH DATABASE ? AS st", (str(self.state.path),))
        except sqlite3.DatabaseError:
            conn.close()
            raise
        return conn

    def _open(self) -> sqlite3.Connection:
        try:
            return self._validate(self._connect())
        except sqlite3.OperationalError as exc:
            if _is_busy(exc):
                raise  # another process holds it for longer than the busy timeout: not damage
            if not _is_damage(exc):
                return self._in_memory(exc)
            self._discard(f"{exc}")
        except (sqlite3.DatabaseError, IncompatibleIndex, UnicodeDecodeError) as exc:
            self._discard(f"{exc}")
        try:
            return self._validate(self._connect())
        except sqlite3.OperationalError as exc:
            if _is_busy(exc):
                raise
            return self._in_memory(exc)

    def _in_memory(self, exc: Exception) -> sqlite3.Connection:
        """The cache directory cannot hold the index (unwritable, full): keep working from a
        temporary in-memory index, and say so."""
        self.warnings.append(
            f"cannot use the index file {self.db_path} ({exc}); using a temporary in-memory "
            "index for this run"
        )
        self.in_memory = True
        return self._validate(self._connect())

    def _validate(self, conn: sqlite3.Connection) -> sqlite3.Connection:
        try:
            version = conn.execute("PRAGMA user_version").fetchone()[0]
            tables = conn.execute("SELECT count(*) FROM sqlite_master").fetchone()[0]
            if version == 0 and tables == 0:
                # IF NOT EXISTS + one transaction: a second process creating it too is fine.
                roots = "\n".join(os.path.realpath(r) for r in self.roots).replace("'", "''")
                conn.executescript(
                    "BEGIN IMMEDIATE;"
                    + _SCHEMA.replace("CREATE TABLE", "CREATE TABLE IF NOT EXISTS")
                    .replace("CREATE INDEX", "CREATE INDEX IF NOT EXISTS")
                    .replace("CREATE VIRTUAL TABLE", "CREATE VIRTUAL TABLE IF NOT EXISTS")
                    .replace("INSERT INTO meta", "INSERT OR IGNORE INTO meta")
                    + f"INSERT OR IGNORE INTO meta VALUES ('roots', '{roots}');"
                    + "COMMIT;"
                )
                version = conn.execute("PRAGMA user_version").fetchone()[0]
            if version != SCHEMA_VERSION:
                raise IncompatibleIndex(
                    f"index schema version {version}, this program uses {SCHEMA_VERSION}"
                )
            conn.execute("SELECT id, key, indexed FROM articles LIMIT 1").fetchall()
            conn.execute("SELECT rowid FROM fts LIMIT 1").fetchall()
            conn.execute("SELECT rowid FROM uni LIMIT 1").fetchall()
            conn.execute("SELECT key FROM st.state LIMIT 1").fetchall()
        except BaseException:
            conn.close()
            raise
        return conn

    def _discard(self, reason: str) -> None:
        """Delete an unusable index file (it is only a cache) and note why."""
        self.warnings.append(f"The index {self.db_path} was unusable ({reason}); rebuilding it.")
        if self.in_memory:
            return
        for suffix in ("", "-wal", "-shm"):
            with contextlib.suppress(FileNotFoundError):
                Path(str(self.db_path) + suffix).unlink()

    def _recover(self, exc: sqlite3.DatabaseError) -> None:
        """Called when a query finds the file damaged: start over with an empty index."""
        with self._lock:
            with contextlib.suppress(sqlite3.Error):
                self._conn.close()
            self._discard(str(exc))
            self._conn = self._validate(self._connect())

    @property
    def conn(self) -> sqlite3.Connection:
        """The read connection (for search.py); guard with ``self.lock``."""
        return self._conn

    @property
    def lock(self) -> threading.RLock:
        return self._lock

    def close(self) -> None:
        with self._lock:
            with contextlib.suppress(sqlite3.Error):
                self._conn.close()
            if self._own_state:
                self.state.close()

    def __enter__(self) -> Collection:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- refresh

    @contextlib.contextmanager
    def _refresh_lock(self) -> Iterator[None]:
        """Serialise refreshes across processes (a second one waits, then finds no work)."""
        if fcntl is None or self.in_memory:
            yield
            return
        with open(str(self.db_path) + ".lock", "a+b") as fh:
            fcntl.flock(fh, fcntl.LOCK_EX)
            try:
                yield
            finally:
                fcntl.flock(fh, fcntl.LOCK_UN)

    def refresh(
        self, progress: ProgressFn | None = None, *, workers: int | None = None
    ) -> IndexReport:
        """Bring the index up to date with the files: stat walk, diff, parse changes only."""
        from reader.library.discover import discover
        from reader.library.refresh import Refresher, check_not_bootstrapping

        check_not_bootstrapping()
        started = time.perf_counter()
        report = IndexReport(collection=self.key)
        notify = progress or (lambda _p: None)
        workers = max(1, workers or os.cpu_count() or 1)
        with self._refresh_lock():
            try:
                writer = self._validate(self._connect())
            except (sqlite3.DatabaseError, IncompatibleIndex, UnicodeDecodeError) as exc:
                self._recover(exc)  # type: ignore[arg-type]
                writer = self._validate(self._connect())
            try:
                Refresher(writer, report, notify, workers, started).run(discover(self.roots))
            finally:
                writer.close()
        self._nodes_cache = None
        report.seconds = time.perf_counter() - started
        notify(
            Progress(
                "done",
                report.articles,
                report.articles,
                f"list ready after {report.list_seconds:.1f} s, "
                f"search ready after {report.fts_seconds:.1f} s",
            )
        )
        return report

    # -- lists

    def _filters(
        self,
        *,
        category: CategoryPath | None = None,
        author: str | None = None,
        tag: str | None = None,
        month: str | None = None,
        unread: bool = False,
        starred: bool = False,
    ) -> tuple[list[str], list[object]]:
        where: list[str] = []
        args: list[object] = []
        if category:
            where.append("a.id IN (SELECT id FROM article_nodes WHERE node = ?)")
            args.append(_join(category))
        if author:
            where.append(
                "a.id IN (SELECT id FROM article_facets WHERE kind = 'author' AND value = ?)"
            )
            args.append(author)
        if tag:
            where.append("a.id IN (SELECT id FROM article_facets WHERE kind = 'tag' AND value = ?)")
            args.append(tag)
        if month:
            where.append("a.day >= ? AND a.day < ?")
            args.extend([month, month + "\uffff"])
        if unread:
            where.append("NOT EXISTS (SELECT 1 FROM st.state s WHERE s.key = a.key AND s.read)")
        if starred:
            where.append("EXISTS (SELECT 1 FROM st.state s WHERE s.key = a.key AND s.starred)")
        return where, args

    def _query(self, sql: str, args: Sequence[object] = ()) -> list[tuple]:
        with self._lock:
            try:
                return self._conn.execute(sql, args).fetchall()
            except sqlite3.DatabaseError as exc:
                if isinstance(exc, sqlite3.OperationalError) and "malformed" not in str(exc):
                    raise
                self._recover(exc)
                return self._conn.execute(sql, args).fetchall()

    def count(self, **filters: object) -> int:
        """Number of articles matching the ``ids()`` filters."""
        where, args = self._filters(**filters)  # type: ignore[arg-type]
        sql = "SELECT count(*) FROM articles a" + (" WHERE " + " AND ".join(where) if where else "")
        return int(self._query(sql, args)[0][0])

    def ids(
        self,
        *,
        category: CategoryPath | None = None,
        author: str | None = None,
        tag: str | None = None,
        month: str | None = None,
        unread: bool = False,
        starred: bool = False,
        sort: str = "date",
    ) -> list[int]:
        """All matching ids in display order (date: newest first; title: A→Z)."""
        where, args = self._filters(
            category=category, author=author, tag=tag, month=month, unread=unread, starred=starred
        )
        order = "a.title COLLATE NOCASE, a.id DESC" if sort == "title" else "a.id DESC"
        sql = "SELECT a.id FROM articles a"
        if where:
            sql += " WHERE " + " AND ".join(where)
        sql += f" ORDER BY {order}"
        return [r[0] for r in self._query(sql, args)]

    def rows(self, ids: Sequence[int]) -> list[ArticleRow]:
        """Rows for ``ids`` in the given order (unknown ids are left out)."""
        found: dict[int, ArticleRow] = {}
        for chunk in _chunks(list(ids), 500):
            marks = ",".join("?" * len(chunk))
            sql = f"SELECT {_ROW_COLUMNS} FROM articles a {_STATE_JOIN} WHERE a.id IN ({marks})"
            for r in self._query(sql, chunk):
                found[r[0]] = _row(r)
        return [found[i] for i in ids if i in found]

    def row(self, id: int) -> ArticleRow | None:
        rows = self.rows([id])
        return rows[0] if rows else None

    def id_for_key(self, key: str) -> int | None:
        rows = self._query("SELECT id FROM articles WHERE key = ?", (key,))
        return rows[0][0] if rows else None

    def article(self, id: int) -> Article:
        """The full article for reading: its file parsed now, the index supplying what the
        file no longer can. KeyError when the id is unknown.

        Reading the file on open keeps the index small and the view current; an article
        whose file has gone or become unreadable is shown from the indexed plain text, with
        a warning saying so.
        """
        from reader.library.parse import parse_file

        rows = self._query(
            "SELECT a.path, a.title, b.text, a.date, a.updated, a.authors, a.categories, a.tags, "
            "a.url, a.summary, a.cover, a.language, a.warnings "
            "FROM articles a LEFT JOIN bodies b ON b.no = a.body WHERE a.id = ?",
            (id,),
        )
        if not rows:
            raise KeyError(id)
        r = rows[0]
        path = Path(from_db(r[0]))
        try:
            return parse_file(path)
        except SkipFile as exc:
            problem = f"the file could not be read ({exc.reason}): showing the indexed text"
        return Article(
            path=path,
            title=r[1],
            body=unpack_plain(r[2]) if r[2] is not None else "",
            date=_from_iso(r[3]),
            updated=_from_iso(r[4]),
            authors=_split(r[5]),
            categories=_split_categories(r[6]),
            tags=_split(r[7]),
            url=r[8],
            summary=r[9],
            cover=r[10],
            language=r[11],
            warnings=(*_split(r[12]), problem),
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
        return [(tuple(node.split(SEP)), total, unread) for node, total, unread in self._query(sql)]

    def facet_counts(self, kind: str) -> list[tuple[str, int, int]]:
        """(value, total, unread) per author, tag or month ("YYYY-MM", newest first)."""
        unread = "sum(NOT EXISTS (SELECT 1 FROM st.state s WHERE s.key = a.key AND s.read))"
        if kind == "month":
            sql = (
                f"SELECT substr(a.day, 1, 7) AS m, count(*), {unread} FROM articles a "
                "WHERE a.day IS NOT NULL GROUP BY m ORDER BY m DESC"
            )
            return [tuple(r) for r in self._query(sql)]  # type: ignore[misc]
        if kind not in ("author", "tag"):
            raise ValueError(f"unknown facet {kind!r}")
        sql = (
            f"SELECT f.value, count(*), {unread} FROM article_facets f "
            "JOIN articles a ON a.id = f.id WHERE f.kind = ? "
            "GROUP BY f.value ORDER BY count(*) DESC, f.value"
        )
        return [tuple(r) for r in self._query(sql, (kind,))]  # type: ignore[misc]

    def category_nodes(self) -> list[str]:
        """Every distinct node string (cached until the next refresh)."""
        with self._lock:
            version = self._conn.execute("PRAGMA data_version").fetchone()[0]
            if self._nodes_cache is None or self._nodes_cache[0] != version:
                nodes = [
                    r[0] for r in self._conn.execute("SELECT DISTINCT node FROM article_nodes")
                ]
                self._nodes_cache = (version, nodes)
            return self._nodes_cache[1]

    def docno_map(self) -> dict[int, int]:
        """FTS docno → article id for every indexed article (cached until the index changes)."""
        with self._lock:
            version = self._conn.execute("PRAGMA data_version").fetchone()[0]
            if self._docmap is None or self._docmap[0] != version:
                rows = self._conn.execute(
                    "SELECT docno, id FROM articles INDEXED BY articles_docno "
                    "WHERE docno IS NOT NULL"
                )
                self._docmap = (version, dict(rows.fetchall()))
            return self._docmap[1]

    def fts_ordered(self) -> bool:
        """True while FTS docno order equals date order (fast newest-first search)."""
        rows = self._query("SELECT value FROM meta WHERE key = 'fts_ordered'")
        return bool(rows) and rows[0][0] == "1"

    def fts_pending(self) -> int:
        """Articles not yet in the full-text index (search is incomplete while > 0)."""
        sql = "SELECT count(*) FROM articles INDEXED BY articles_fts_pending WHERE indexed = 0"
        return int(self._query(sql)[0][0])

    # -- search (see search.py)

    def search(
        self,
        query: str,
        *,
        sort: str = "relevance",
        limit: int = 50,
        offset: int = 0,
        snippets: bool = True,
    ) -> _search.SearchResult:
        """Search with the query language; never raises for any query text."""
        return _search.search(self, query, sort=sort, limit=limit, offset=offset, snippets=snippets)

    def search_ids(
        self, query: str, *, sort: str = "relevance"
    ) -> tuple[list[int], tuple[str, ...], str | None]:
        """All matching ids in order, the highlight terms, and an error message or None."""
        return _search.search_ids(self, query, sort=sort)


def _row(r: tuple) -> ArticleRow:
    return ArticleRow(
        id=r[0],
        path=Path(from_db(r[1])),
        key=r[2],
        title=r[3],
        date=_from_iso(r[4]),
        author=r[5],
        categories=_split_categories(r[6]),
        tags=_split(r[7]),
        url=r[8],
        summary=r[9],
        words=r[10],
        read=bool(r[11]),
        starred=bool(r[12]),
    )
