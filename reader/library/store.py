"""The index file: schema, connection, validation and recovery, and the reads that lists
and search share. See :mod:`.records` for the values stored in it.

Layout (one file per collection in ``paths.cache_dir()``, named by a hash of the roots):

- ``articles``: one compact row per article. ``id`` is the date-ordered key
  ``(epoch_seconds + 2**37) << 20 | n`` (undated articles sort last), so newest-first is
  ``ORDER BY id DESC`` on the table b-tree and ``ORDER BY rowid DESC`` on the FTS table.
  ``dir`` is the ``dirs`` row of its directory (NULL for a file given as a root).
- ``dirs``: every directory walked, with its mtime and ctime when last listed: a refresh
  lists only directories whose stamps changed (see :mod:`.walk`).
- ``bodies``: the indexed plain text, zlib-compressed (for snippets, and for FTS5 deletes:
  a contentless table on SQLite 3.40 needs the original text); kept out of ``articles`` so
  list scans stay small. Articles open by parsing their file, so no Markdown is stored.
- ``article_nodes``: one row per category node (every prefix of every category path,
  ``"\\x1f"``-joined) so counts at every level come from one GROUP BY. Its ``docno`` is the
  article's FTS docno (set by the full-text pass), so a ``category:`` filter on full-text
  matches is a set of docnos, with no join to ``articles`` for every match.
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
- ``articles.minhash``: the near-duplicate signature (:mod:`.duplicates`), written by the
  full-text pass; ``dup_groups(id, grp)``: one row per article in a group of
  near-duplicates, ``grp`` the id of the group's earliest article (see :mod:`.stories`).
- FTS text is *folded* (:mod:`.fold`); ``meta.text_version`` names the folding and
  signature versions it was built with.
- ``skipped``: files that cannot be articles, remembered so a rescan does not reparse them.

(About 420 lines: the schema, its validation and the :class:`Store` reads belong together;
the write side lives in :mod:`.refresh`, the row types in :mod:`.records`.)
"""

from __future__ import annotations

import contextlib
import os
import sqlite3
import threading
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

from reader.library.duplicates import SIGNATURE_VERSION
from reader.library.fold import FOLD_VERSION
from reader.library.records import ROW_COLUMNS, STATE_JOIN, ArticleRow, ListRecord, chunks
from reader.library.state import StateStore

try:
    import fcntl
except ImportError:  # pragma: no cover - Windows
    fcntl = None  # type: ignore[assignment]

SCHEMA_VERSION = 12
"""Bump whenever the schema or the FTS text (tokenisation) changes: old files are rebuilt."""
TEXT_VERSION = f"fold {FOLD_VERSION}, signature {SIGNATURE_VERSION}"
"""What the full-text pass computes; an index whose ``meta.text_version`` differs has that
pass redone on its next refresh (see :func:`reader.library.stories.check_text_version`)."""
BUSY_TIMEOUT_MS = 30_000
CACHE_KB = 16_384  # SQLite page cache per connection
WRITE_CACHE_KB = 65_536  # … and for a refresh that has files to index

SCHEMA = f"""
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
    body INTEGER,
    dir INTEGER,
    minhash BLOB
);
CREATE INDEX articles_day ON articles(day);
CREATE INDEX articles_title ON articles(title COLLATE NOCASE);
CREATE INDEX articles_ids ON articles(id);
CREATE INDEX articles_docno ON articles(docno, day, key);
CREATE INDEX articles_fts_pending ON articles(id) WHERE indexed = 0;
CREATE INDEX articles_dir ON articles(dir);
CREATE TABLE bodies(
    no INTEGER PRIMARY KEY,
    text BLOB NOT NULL
);
CREATE TABLE article_nodes(
    node TEXT NOT NULL,
    id INTEGER NOT NULL,
    depth INTEGER NOT NULL,
    name TEXT NOT NULL,
    docno INTEGER,
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
    reason TEXT NOT NULL,
    dir INTEGER
) WITHOUT ROWID;
CREATE TABLE dup_groups(id INTEGER PRIMARY KEY, grp INTEGER NOT NULL);
CREATE INDEX dup_groups_grp ON dup_groups(grp);
CREATE TABLE dirs(
    id INTEGER PRIMARY KEY,
    path TEXT NOT NULL UNIQUE,
    parent INTEGER,
    mtime_ns INTEGER NOT NULL,
    ctime_ns INTEGER NOT NULL
);
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
INSERT INTO meta VALUES ('text_version', '{TEXT_VERSION}');
PRAGMA user_version = {SCHEMA_VERSION};
"""


class IncompatibleIndex(Exception):
    """The index file was written by another schema version or for other roots."""


def _upgrade(conn: sqlite3.Connection) -> int:
    """Bring a schema-11 index to 12 in place (``article_nodes.docno``, copied from
    ``articles``: ~1 s at 100k articles) instead of rebuilding it; the new version."""
    with conn:
        conn.execute("BEGIN IMMEDIATE")
        version = conn.execute("PRAGMA user_version").fetchone()[0]
        if version == SCHEMA_VERSION - 1:  # not upgraded meanwhile by another process
            columns = [r[1] for r in conn.execute("PRAGMA table_info(article_nodes)")]
            if columns != ["node", "id", "depth", "name"]:
                raise IncompatibleIndex(f"index schema version {version} with {columns}")
            conn.execute("ALTER TABLE article_nodes ADD COLUMN docno INTEGER")
            conn.execute(
                "UPDATE article_nodes SET docno = "
                "(SELECT a.docno FROM articles a WHERE a.id = article_nodes.id)"
            )
            conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")
    return int(conn.execute("PRAGMA user_version").fetchone()[0])


def is_busy(exc: sqlite3.OperationalError) -> bool:
    text = str(exc).lower()
    return "locked" in text or "busy" in text


def is_damage(exc: sqlite3.OperationalError) -> bool:
    """Operational errors that mean the file is not a usable index (rebuild it), as opposed
    to the file system refusing us (unwritable, full, missing directory)."""
    text = str(exc).lower()
    return "no such table" in text or "no such column" in text or "malformed" in text


class Store:
    """One open index file plus the reading-state database attached as ``st``.

    Reads go through one connection guarded by :attr:`lock`; a refresh writes through its
    own connection (:meth:`writer`), so lists and searches keep working while it runs (WAL).
    A damaged file is deleted and rebuilt (it is a cache); an unusable cache folder gives a
    temporary in-memory index, with a warning.
    """

    def __init__(
        self,
        db_path: Path,
        key: str,
        roots: Sequence[Path],
        state: StateStore,
        warnings: list[str] | None = None,
    ) -> None:
        self.db_path = db_path
        self.key = key
        self.roots = tuple(roots)
        self.state = state
        self.in_memory = False
        self.warnings: list[str] = warnings if warnings is not None else []
        self.lock = threading.RLock()
        self._nodes_cache: tuple[int, list[str]] | None = None
        self._docmap: tuple[int, dict[int, int]] | None = None
        self.conn = self._open()

    # -- opening, validation, rebuild

    def _connect(self) -> sqlite3.Connection:
        target = (
            f"file:newsreader-{self.key}?mode=memory&cache=shared"
            if self.in_memory
            else os.fspath(self.db_path)
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
            if is_busy(exc):
                raise  # another process holds it for longer than the busy timeout: not damage
            if not is_damage(exc):
                return self._in_memory(exc)
            self._discard(f"{exc}")
        except (sqlite3.DatabaseError, IncompatibleIndex, UnicodeDecodeError) as exc:
            self._discard(f"{exc}")
        try:
            return self._validate(self._connect())
        except sqlite3.OperationalError as exc:
            if is_busy(exc):
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
                    + SCHEMA.replace("CREATE TABLE", "CREATE TABLE IF NOT EXISTS")
                    .replace("CREATE INDEX", "CREATE INDEX IF NOT EXISTS")
                    .replace("CREATE VIRTUAL TABLE", "CREATE VIRTUAL TABLE IF NOT EXISTS")
                    .replace("INSERT INTO meta", "INSERT OR IGNORE INTO meta")
                    + f"INSERT OR IGNORE INTO meta VALUES ('roots', '{roots}');"
                    + "COMMIT;"
                )
                version = conn.execute("PRAGMA user_version").fetchone()[0]
            if version == SCHEMA_VERSION - 1:
                version = _upgrade(conn)
            if version != SCHEMA_VERSION:
                raise IncompatibleIndex(
                    f"index schema version {version}, this program uses {SCHEMA_VERSION}"
                )
            conn.execute("SELECT id, key, indexed, dir, minhash FROM articles LIMIT 1").fetchall()
            conn.execute("SELECT id, grp FROM dup_groups LIMIT 1").fetchall()
            conn.execute("SELECT id, mtime_ns, ctime_ns FROM dirs LIMIT 1").fetchall()
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

    def recover(self, exc: Exception) -> None:
        """Called when a query finds the file damaged: start over with an empty index."""
        with self.lock:
            with contextlib.suppress(sqlite3.Error):
                self.conn.close()
            self._discard(str(exc))
            self.conn = self._validate(self._connect())

    def writer(self) -> sqlite3.Connection:
        """A new validated connection for a refresh (rebuilding a damaged file first)."""
        try:
            return self._validate(self._connect())
        except (sqlite3.DatabaseError, IncompatibleIndex, UnicodeDecodeError) as exc:
            self.recover(exc)
            return self._validate(self._connect())

    @contextlib.contextmanager
    def refresh_lock(self) -> Iterator[None]:
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

    def close(self) -> None:
        with self.lock, contextlib.suppress(sqlite3.Error):
            self.conn.close()

    # -- reads shared by lists and search

    def query(self, sql: str, args: Sequence[object] = ()) -> list[Any]:
        """All rows of a read; a file found damaged is rebuilt (empty) and read again."""
        with self.lock:
            try:
                return self.conn.execute(sql, args).fetchall()
            except sqlite3.DatabaseError as exc:
                if isinstance(exc, sqlite3.OperationalError) and "malformed" not in str(exc):
                    raise
                self.recover(exc)
                return self.conn.execute(sql, args).fetchall()

    def rows(self, ids: Sequence[int]) -> list[ArticleRow]:
        """Rows for ``ids`` in the given order (unknown ids are left out)."""
        found: dict[int, ArticleRow] = {}
        for chunk in chunks(list(ids), 500):
            marks = ",".join("?" * len(chunk))
            sql = f"SELECT {ROW_COLUMNS} FROM articles a {STATE_JOIN} WHERE a.id IN ({marks})"
            for r in self.query(sql, chunk):
                row = ArticleRow.from_record(ListRecord._make(r))
                found[row.id] = row
        return [found[i] for i in ids if i in found]

    def _data_version(self) -> int:
        return int(self.conn.execute("PRAGMA data_version").fetchone()[0])

    def category_nodes(self) -> list[str]:
        """Every distinct node string (cached until the index changes)."""
        with self.lock:
            version = self._data_version()
            if self._nodes_cache is None or self._nodes_cache[0] != version:
                nodes = [r[0] for r in self.conn.execute("SELECT DISTINCT node FROM article_nodes")]
                self._nodes_cache = (version, nodes)
            return self._nodes_cache[1]

    def forget_caches(self) -> None:
        """Drop cached reads (after this process wrote through another connection)."""
        self._nodes_cache = None

    def facet_values(self, kind: str) -> list[str]:
        """Every distinct author or tag."""
        sql = "SELECT DISTINCT value FROM article_facets WHERE kind = ?"
        return [r[0] for r in self.conn.execute(sql, (kind,))]

    def docno_map(self) -> dict[int, int]:
        """FTS docno → article id for every indexed article (cached until the index changes)."""
        with self.lock:
            version = self._data_version()
            if self._docmap is None or self._docmap[0] != version:
                rows = self.conn.execute(
                    "SELECT docno, id FROM articles INDEXED BY articles_docno "
                    "WHERE docno IS NOT NULL"
                )
                self._docmap = (version, dict(rows.fetchall()))
            return self._docmap[1]

    def docno_ids(self, docnos: Sequence[int]) -> dict[int, int]:
        """FTS docno → article id for a page of docnos: the cached map when it is current,
        else one indexed lookup (building the whole map costs ~0.4 µs per article)."""
        with self.lock:
            if self._docmap is not None and self._docmap[0] == self._data_version():
                full = self._docmap[1]
                return {d: full[d] for d in docnos if d in full}
            out: dict[int, int] = {}
            for part in chunks(list(docnos), 500):
                marks = ",".join("?" * len(part))
                out.update(
                    self.conn.execute(
                        "SELECT docno, id FROM articles INDEXED BY articles_docno "
                        f"WHERE docno IN ({marks})",
                        part,
                    ).fetchall()
                )
            return out

    def fts_ordered(self) -> bool:
        """True while FTS docno order equals date order (fast newest-first search)."""
        rows = self.query("SELECT value FROM meta WHERE key = 'fts_ordered'")
        return bool(rows) and rows[0][0] == "1"

    def fts_pending(self) -> int:
        """Articles not yet in the full-text index (search is incomplete while > 0)."""
        sql = "SELECT count(*) FROM articles INDEXED BY articles_fts_pending WHERE indexed = 0"
        return int(self.query(sql)[0][0])

    def bodies(self, ids: Sequence[int]) -> dict[int, bytes]:
        """Packed plain text of the given articles (for snippets)."""
        if not ids:
            return {}
        marks = ",".join("?" * len(ids))
        sql = f"SELECT a.id, b.text FROM articles a JOIN bodies b ON b.no = a.body WHERE a.id IN ({marks})"
        return dict(self.conn.execute(sql, list(ids)).fetchall())
